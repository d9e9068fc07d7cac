"""Timeline pages: the filtered, paginated timeline of a person or an organisation (htmx
fragments for their pages) and adding a note, call, meeting or visit by hand.

Person and organisation share every piece: a `TimelineOwner` says whose timeline it is and where
its URLs point, `timeline_context` builds what the record's page and the fragments render, and
the same two handlers serve the list/"Load more" and the add form of both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from centric.core.htmx import wants_partial
from centric.core.pagination import keyset_page
from centric.customers.models import Organisation, Person
from centric.customers.selectors import organisation_get, people_visible, person_get
from centric.interactions.choices import Channel, Kind
from centric.interactions.forms import InteractionForm
from centric.interactions.selectors import timeline
from centric.interactions.services import interaction_create

PAGE_SIZE = 20
ORDERING = ["-occurred_at", "-id"]

# An organisation's timeline shows, by default, its people's interactions too (what a B2B CRM
# shows on an account); "organisation" narrows it to what was logged on the organisation itself.
SCOPE_WITH_PEOPLE = "people"
SCOPE_ORGANISATION = "organisation"
SCOPES = [
    (SCOPE_WITH_PEOPLE, gettext_lazy("The organisation and its people")),
    (SCOPE_ORGANISATION, gettext_lazy("Only the organisation")),
]


@dataclass(frozen=True)
class TimelineOwner:
    """Whose timeline: a person or an organisation, and the URLs of its page and fragments."""

    record: Person | Organisation

    @property
    def about(self) -> str:
        """The Interaction field (and the URL name prefix) for this record."""
        return "organisation" if isinstance(self.record, Organisation) else "person"

    @property
    def is_organisation(self) -> bool:
        return self.about == "organisation"

    @property
    def detail_url(self) -> str:
        return reverse(f"customers:{self.about}_detail", args=[self.record.pk])

    @property
    def timeline_url(self) -> str:
        return reverse(f"interactions:{self.about}_timeline", args=[self.record.pk])

    @property
    def create_url(self) -> str:
        return reverse(f"interactions:{self.about}_interaction_create", args=[self.record.pk])


def can_add_interaction(user: Any) -> bool:
    """Adding by hand needs the add permission and a record the user may see (checked first)."""
    return user.has_perm("interactions.add_interaction")


def timeline_context(
    request: HttpRequest, record: Person | Organisation, *, cursor: str | None = None
) -> dict[str, Any]:
    """What a record's page (and the timeline fragments) render: filters, one keyset page, form.

    `record` must already have been read through the visibility rule.
    """
    owner = TimelineOwner(record)
    channel = request.GET.get("channel", "")
    channel = channel if channel in Channel.values else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    filters = {"channel": channel, "kind": kind}
    scope = ""
    if owner.is_organisation:
        scope = request.GET.get("scope", "")
        scope = scope if scope == SCOPE_ORGANISATION else SCOPE_WITH_PEOPLE
        filters["scope"] = scope
    about: dict[str, Any] = {owner.about: record}
    entries = timeline(
        request.user,
        **about,
        include_members=scope == SCOPE_WITH_PEOPLE,
        channel=channel,
        kind=kind,
    )
    try:
        page = keyset_page(entries, ordering=ORDERING, cursor=cursor, size=PAGE_SIZE)
    except ValidationError:
        page = keyset_page(entries, ordering=ORDERING, size=PAGE_SIZE)
    if owner.is_organisation:
        _name_people(request.user, page.items)
    return {
        "timeline_owner": owner,
        "timeline_page": page,
        "timeline_query": urlencode({key: value for key, value in filters.items() if value}),
        "channel": channel,
        "kind": kind,
        "scope": scope,
        "channels": Channel.choices,
        "kinds": Kind.choices,
        "scopes": SCOPES,
        "interaction_form": InteractionForm(),
        "can_add_interaction": can_add_interaction(request.user),
    }


def _name_people(user: Any, entries: list[Any]) -> None:
    """On an organisation's timeline each row says which person it was with, when the user may
    see that person (one query a page; a hidden person stays unnamed)."""
    ids = {entry.person_id for entry in entries if entry.person_id}
    people = (
        people_visible(user).filter(pk__in=ids).only("pk", "first_name", "middle_name", "last_name")
        if ids
        else []
    )
    by_id = {person.pk: person for person in people}
    for entry in entries:
        entry.with_person = by_id.get(entry.person_id)


def _owner_or_404(user: Any, about: str, pk: int) -> TimelineOwner:
    """The record through the visibility rule; one the user may not see is a 404, not a 403."""
    if about == "organisation":
        try:
            return TimelineOwner(organisation_get(user, pk))
        except Organisation.DoesNotExist:
            raise Http404(_("No such organisation.")) from None
    try:
        return TimelineOwner(person_get(user, pk))
    except Person.DoesNotExist:
        raise Http404(_("No such person.")) from None


def _timeline_fragment(request: HttpRequest, owner: TimelineOwner) -> HttpResponse:
    """One page of the timeline, filtered, newest first.

    htmx asks for the list (filters changed) or for the next items ("Load more");
    a plain visit goes to the record's page with the same filters.
    """
    if not wants_partial(request):
        query = request.GET.copy()
        query.pop("cursor", None)
        url = owner.detail_url
        return redirect(f"{url}?{query.urlencode()}" if query else url)
    cursor = request.GET.get("cursor")
    context = timeline_context(request, owner.record, cursor=cursor)
    template = (
        "interactions/partials/timeline_more.html"
        if cursor
        else "interactions/partials/timeline_list.html"
    )
    return render(request, template, context)


def _interaction_add(request: HttpRequest, owner: TimelineOwner) -> HttpResponse:
    """Add a note, call, meeting or visit; htmx puts the new entry at the top of the timeline."""
    if not can_add_interaction(request.user):
        raise PermissionDenied
    form = InteractionForm(request.POST)
    interaction = None
    if form.is_valid():
        try:
            about: dict[str, Any] = {owner.about: owner.record}
            interaction = interaction_create(actor=request.user, **about, **form.service_fields())
        except ValidationError as error:
            for key, field_messages in error.message_dict.items():
                for text in field_messages:
                    form.add_error(key if key in form.fields else None, text)
    if not wants_partial(request):
        if interaction is None:
            # Without htmx the form is not shown again: each message says which field it is about.
            for name, field_errors in form.errors.items():
                field = form.fields.get(name)
                for message in field_errors:
                    if field is not None:
                        message = _("%(field)s: %(message)s") % {
                            "field": field.label,
                            "message": message,
                        }
                    messages.error(request, message)  # type: ignore[arg-type]  # ErrorList yields str
        return redirect(owner.detail_url)
    if interaction is None:
        response = render(
            request,
            "interactions/partials/interaction_form.html",
            {"timeline_owner": owner, "interaction_form": form},
        )
        response.headers["HX-Retarget"] = "#interaction-form"
        response.headers["HX-Reswap"] = "outerHTML"
        return response
    return render(
        request,
        "interactions/partials/interaction_created.html",
        {
            "timeline_owner": owner,
            "entry": interaction,
            "interaction_form": InteractionForm(),
            "is_new": True,
        },
        status=201,
    )


@login_required
def person_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    return _timeline_fragment(request, _owner_or_404(request.user, "person", pk))


@login_required
def organisation_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    return _timeline_fragment(request, _owner_or_404(request.user, "organisation", pk))


@login_required
@require_POST
def person_interaction_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _interaction_add(request, _owner_or_404(request.user, "person", pk))


@login_required
@require_POST
def organisation_interaction_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _interaction_add(request, _owner_or_404(request.user, "organisation", pk))
