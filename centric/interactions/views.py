"""Timeline pages: the filtered, paginated timeline of a person (htmx fragments for the 360°
page) and adding a note, call, meeting or visit by hand."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centric.core.htmx import wants_partial
from centric.core.pagination import keyset_page
from centric.customers.models import Person
from centric.customers.selectors import person_get
from centric.interactions.choices import Channel, Kind
from centric.interactions.forms import InteractionForm
from centric.interactions.selectors import timeline
from centric.interactions.services import interaction_create

PAGE_SIZE = 20
ORDERING = ["-occurred_at", "-id"]


def _person_or_404(user, pk: int) -> Person:
    try:
        return person_get(user, pk)
    except Person.DoesNotExist:
        raise Http404(_("No such person.")) from None


@login_required
def person_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """One page of a person's timeline, filtered by channel and kind, newest first.

    htmx asks for the list (filters changed) or for the next items ("Load more");
    a plain visit goes to the 360° page with the same filters.
    """
    person = _person_or_404(request.user, pk)
    channel = request.GET.get("channel", "")
    kind = request.GET.get("kind", "")
    entries = timeline(
        request.user,
        person=person,
        channel=channel if channel in Channel.values else "",
        kind=kind if kind in Kind.values else "",
    )
    try:
        page = keyset_page(
            entries, ordering=ORDERING, cursor=request.GET.get("cursor"), size=PAGE_SIZE
        )
    except ValidationError:
        page = keyset_page(entries, ordering=ORDERING, size=PAGE_SIZE)
    context = {
        "person": person,
        "timeline_page": page,
        "channel": channel,
        "kind": kind,
    }
    if not wants_partial(request):
        query = request.GET.copy()
        query.pop("cursor", None)
        url = reverse("customers:person_detail", args=[person.pk])
        return redirect(f"{url}?{query.urlencode()}" if query else url)
    template = (
        "interactions/partials/timeline_more.html"
        if request.GET.get("cursor")
        else "interactions/partials/timeline_list.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def person_interaction_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a note, call, meeting or visit; htmx puts the new entry at the top of the timeline."""
    person = _person_or_404(request.user, pk)
    if not request.user.has_perm("interactions.add_interaction"):
        raise PermissionDenied
    form = InteractionForm(request.POST)
    interaction = None
    if form.is_valid():
        try:
            interaction = interaction_create(
                actor=request.user, person=person, **form.service_fields()
            )
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                for message in messages:
                    form.add_error(key if key in form.fields else None, message)
    if not wants_partial(request):
        if interaction is None:
            from django.contrib import messages as flash

            for message in form.errors.get("body", []) + form.non_field_errors():
                flash.error(request, message)
        return redirect("customers:person_detail", pk=person.pk)
    if interaction is None:
        response = render(
            request,
            "interactions/partials/interaction_form.html",
            {"person": person, "interaction_form": form},
        )
        response.headers["HX-Retarget"] = "#interaction-form"
        response.headers["HX-Reswap"] = "outerHTML"
        return response
    return render(
        request,
        "interactions/partials/interaction_created.html",
        {
            "person": person,
            "entry": interaction,
            "interaction_form": InteractionForm(),
            "is_new": True,
        },
        status=201,
    )
