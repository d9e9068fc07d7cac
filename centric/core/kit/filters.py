"""The list filters every record type's pages and API share (one rule each)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from centric.core.kit.forms import staff_named

OWNER_ME = "me"
OWNER_NONE = "none"
MAX_TEXT = 200
MAX_TAG = 70


def filter_text(
    queryset: QuerySet[Any], fields: tuple[str, ...], text: str | None
) -> QuerySet[Any]:
    """Rows where any of `fields` contains `text` (any case); no filter without text or fields."""
    text = (text or "").strip()[:MAX_TEXT]
    if not text or not fields:
        return queryset
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": text})
    return queryset.filter(condition)


def filter_owner(queryset: QuerySet[Any], owner: str | None, user: Any) -> QuerySet[Any]:
    """`me`, `none`, or a staff member by username (any case) or id; an unknown one lists no
    record rather than every record."""
    owner = (owner or "").strip()
    if owner == OWNER_ME:
        return queryset.filter(owner_id=user.pk)
    if owner == OWNER_NONE:
        return queryset.filter(owner__isnull=True)
    if owner:
        found = staff_named(owner)
        return queryset.filter(owner_id=found.pk) if found else queryset.none()
    return queryset


def filter_tag(queryset: QuerySet[Any], tag: str | None) -> QuerySet[Any]:
    """Rows tagged `tag`: its name (any case, what the tag picker submits) or its slug (the API,
    older links). Through the link table, so a record is listed once even if two tags match."""
    tag = (tag or "").strip()[:MAX_TAG]
    if not tag:
        return queryset
    relation = queryset.model._meta.get_field("tags")
    through = relation.remote_field.through
    source = relation.m2m_field_name()
    target = relation.m2m_reverse_field_name()
    match = Q(**{f"{target}__name__iexact": tag})
    if any(f.name == "slug" for f in relation.related_model._meta.fields):
        match |= Q(**{f"{target}__slug": tag})
    links = through.objects.filter(match)
    return queryset.filter(id__in=links.values(f"{source}_id"))
