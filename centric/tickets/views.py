"""The conversation panel's form: add a reply or a note, warned when another agent wrote first."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centric.tickets.models import Ticket
from centric.tickets.replies import ReplyCollision, ticket_message_add


@login_required
@require_POST
def ticket_reply(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_object_or_404(Ticket.objects.visible_to(request.user, "change"), pk=pk)
    seen = request.POST.get("seen", "")
    try:
        message = ticket_message_add(
            ticket,
            actor=request.user,
            kind=request.POST.get("kind", ""),
            body=request.POST.get("body", ""),
            seen_message_id=int(seen) if seen.isdigit() else None,
            send_anyway=request.POST.get("send_anyway") == "1",
        )
    except ReplyCollision as error:
        messages.warning(request, error.message)
        request.session[f"ticket-draft-{ticket.pk}"] = request.POST.get("body", "")[:20_000]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        request.session[f"ticket-draft-{ticket.pk}"] = request.POST.get("body", "")[:20_000]
    else:
        request.session.pop(f"ticket-draft-{ticket.pk}", None)
        messages.success(
            request, _("Sent to the customer.") if message.to_email else _("Note added.")
        )
    return redirect("tickets:ticket_detail", pk=ticket.pk)


@login_required
@require_POST
def ticket_macro(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply a macro: its fields are set, its reply goes in the reply box to check and send."""
    from centric.tickets.macros import macro_apply
    from centric.tickets.models import Macro

    ticket = get_object_or_404(Ticket.objects.visible_to(request.user, "change"), pk=pk)
    chosen = request.POST.get("macro", "")
    macro = Macro.objects.filter(pk=int(chosen) if chosen.isdigit() else 0).first()
    if macro is None:
        messages.error(request, _("Choose a macro."))
        return redirect("tickets:ticket_detail", pk=ticket.pk)
    try:
        ticket, reply = macro_apply(ticket, actor=request.user, macro=macro)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if reply:
            request.session[f"ticket-draft-{ticket.pk}"] = reply
        messages.success(
            request, _("“%(name)s” applied: check the reply, then send it.") % {"name": macro.name}
        )
    return redirect("tickets:ticket_detail", pk=ticket.pk)
