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


def _other(request: HttpRequest, text: str, action: str = "change") -> Ticket | None:
    """A ticket named by its number ("T-00042") or id, among those the user may act on."""
    digits = text.strip().upper().removeprefix("T-").lstrip("0") or "0"
    if not digits.isdigit():
        return None
    return Ticket.objects.visible_to(request.user, action).filter(pk=int(digits)).first()


@login_required
@require_POST
def ticket_relate(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge this ticket into another, link another, or split a message off."""
    from centric.tickets.merging import ticket_link, ticket_merge, ticket_split

    ticket = get_object_or_404(Ticket.objects.visible_to(request.user, "change"), pk=pk)
    action = request.POST.get("action", "")
    try:
        if action == "split":
            chosen = request.POST.get("message", "")
            message = get_object_or_404(ticket.messages, pk=int(chosen) if chosen.isdigit() else 0)
            new = ticket_split(message, actor=request.user, subject=request.POST.get("subject", ""))
            messages.success(request, _("Split off into %(ticket)s.") % {"ticket": new})
            return redirect("tickets:ticket_detail", pk=new.pk)
        other = _other(request, request.POST.get("other", ""))
        if other is None:
            raise ValidationError(_("No ticket you may change has that number."))
        if action == "merge":
            ticket_merge(ticket, into=other, actor=request.user)
            messages.success(request, _("Merged into %(ticket)s.") % {"ticket": other})
            return redirect("tickets:ticket_detail", pk=other.pk)
        ticket_link(ticket, other=other, actor=request.user)
        messages.success(request, _("Linked to %(ticket)s.") % {"ticket": other})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("tickets:ticket_detail", pk=ticket.pk)
