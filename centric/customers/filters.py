"""Filtering and sorting the people and organisation lists — the same rules for pages, API and exports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from centric.core.kit.filters import filter_tag
from centric.core.normalise import looks_like_phone, try_normalise_email, try_normalise_phone
from centric.core.search import prefix_search
from centric.customers.choices import ContactKind
from centric.customers.models import ContactPoint, Organisation
from centric.extras.filters import filter_custom_fields
from centric.extras.models import Tag

PERSON_SORTS = {
    "name": ["last_name", "first_name", "id"],
    "-name": ["-last_name", "-first_name", "-id"],
    "created": ["created_at", "id"],
    "-created": ["-created_at", "-id"],
    "updated": ["updated_at", "id"],
    "-updated": ["-updated_at", "-id"],
}
ORGANISATION_SORTS = {
    "name": ["name", "id"],
    "-name": ["-name", "-id"],
    "created": ["created_at", "id"],
    "-created": ["-created_at", "-id"],
    "updated": ["updated_at", "id"],
    "-updated": ["-updated_at", "-id"],
}
DEFAULT_SORT = "name"
FILTER_KEYS = (
    "q",
    "stage",
    "owner",
    "team",
    "tag",
    "source",
    "created_after",
    "created_before",
    "organisation",
    "needs_attention",
)


OWNER_ME = "me"
OWNER_NONE = "none"


def owner_matching(value: str) -> QuerySet:
    """The staff user an `owner` filter names: an id (the API, older links) or a username
    (what the owner picker submits, or what someone typed without JavaScript; any case)."""
    users = get_user_model().objects.all()
    if value.isascii() and value.isdigit():
        return users.filter(pk=int(value)) if len(value) < 19 else users.none()
    return users.filter(username__iexact=value)


def tag_matching(value: str) -> QuerySet:
    """The tag a `tag` filter names: its name (what the tag picker submits; any case) or its slug
    (the API, older links)."""
    return Tag.objects.filter(Q(name__iexact=value) | Q(slug=value))


def _date(params: dict, key: str) -> dt.date | None:
    value = (params.get(key) or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise ValidationError({key: _("Enter a date as YYYY-MM-DD.")}) from error


def _flag(params: dict, key: str) -> bool:
    """A yes/no filter: on for 1, true, yes, on (what a checkbox submits); off when absent."""
    value = params.get(key)
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in ("", "0", "false", "no", "off"):
        return False
    if text in ("1", "true", "yes", "on"):
        return True
    raise ValidationError({key: _("Use 1 (yes) or 0 (no).")})


def _int(params: dict, key: str) -> int | None:
    value = (params.get(key) or "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError as error:
        raise ValidationError({key: _("Enter a number.")}) from error


def _text_filter(queryset: QuerySet, query: str, *, owner_field: str) -> QuerySet:
    query = query.strip()[:200]
    if not query:
        return queryset
    if "@" in query:
        email = try_normalise_email(query) or query.lower()
        points = ContactPoint.objects.filter(
            kind=ContactKind.EMAIL, value_normalized__startswith=email
        )
        return queryset.filter(id__in=points.values(f"{owner_field}_id"))
    if looks_like_phone(query):
        phone = try_normalise_phone(query)
        points = ContactPoint.objects.filter(
            kind__in=(ContactKind.PHONE, ContactKind.WHATSAPP), value_normalized=phone or ""
        )
        return queryset.filter(id__in=points.values(f"{owner_field}_id"))
    return prefix_search(queryset, query)


def _common(queryset: QuerySet, params: dict, user: Any, *, owner_field: str) -> QuerySet:
    queryset = _text_filter(queryset, params.get("q") or "", owner_field=owner_field)
    if stage := (params.get("stage") or "").strip():
        queryset = queryset.filter(lifecycle_stage_id=stage)
    owner = (params.get("owner") or "").strip()
    if owner == OWNER_ME:
        queryset = queryset.filter(owner_id=user.pk)
    elif owner == OWNER_NONE:
        queryset = queryset.filter(owner__isnull=True)
    elif owner:
        queryset = queryset.filter(owner_id__in=owner_matching(owner[:150]).values("id"))
    if (team := _int(params, "team")) is not None:
        queryset = queryset.filter(team_id=team)
    queryset = filter_tag(queryset, params.get("tag"))
    if source := (params.get("source") or "").strip():
        queryset = queryset.filter(source__iexact=source)
    if after := _date(params, "created_after"):
        queryset = queryset.filter(created_at__date__gte=after)
    if before := _date(params, "created_before"):
        queryset = queryset.filter(created_at__date__lte=before)
    if _flag(params, "needs_attention"):
        # Records with a value kept as typed (an import's unreadable phone, say; decision 0055).
        queryset = queryset.filter(needs_attention__isnull=False)
    # The custom-field record types are named like the owner fields ("person", "organisation").
    return filter_custom_fields(queryset, params, owner_field)


def filter_people(queryset: QuerySet, params: dict, user: Any) -> tuple[QuerySet, list[str]]:
    """Apply list filters (q, stage, owner, team, tag, source, created_after/before, organisation,
    needs_attention, cf.KEY)
    and return the queryset with the keyset ordering for `sort`."""
    queryset = _common(queryset, params, user, owner_field="person")
    if (organisation := _int(params, "organisation")) is not None:
        # An organisation the user may not see lists no one, exactly like one that does not exist.
        visible = Organisation.objects.visible_to(user).filter(pk=organisation)
        queryset = queryset.filter(memberships__organisation__in=visible)
    sort = (params.get("sort") or DEFAULT_SORT).strip()
    if sort not in PERSON_SORTS:
        raise ValidationError(
            {"sort": _("Sort by one of: %(options)s.") % {"options": ", ".join(PERSON_SORTS)}}
        )
    return queryset, PERSON_SORTS[sort]


def filter_organisations(queryset: QuerySet, params: dict, user: Any) -> tuple[QuerySet, list[str]]:
    queryset = _common(queryset, params, user, owner_field="organisation")
    sort = (params.get("sort") or DEFAULT_SORT).strip()
    if sort not in ORGANISATION_SORTS:
        raise ValidationError(
            {"sort": _("Sort by one of: %(options)s.") % {"options": ", ".join(ORGANISATION_SORTS)}}
        )
    return queryset, ORGANISATION_SORTS[sort]
