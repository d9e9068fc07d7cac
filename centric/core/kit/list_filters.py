"""Ready-made list filters for record types' pages (`RecordPages.filters`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centric.core.kit.pages import ListFilter


def by_id(name: str, label: Any, field: str | None = None) -> ListFilter:
    """Rows whose `field` (a foreign key, by default `name`) is the id in the link."""

    def apply(queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        if not value.isdigit():
            raise ValidationError(_("“%(value)s” is not an id.") % {"value": value})
        return queryset.filter(**{f"{field or name}_id": int(value)})

    return ListFilter(name, label, apply)


def by_choice(name: str, label: Any, field: str, choices: Any) -> ListFilter:
    """Rows whose `field` is one of the `choices` values."""
    allowed = {str(value) for value, _label in choices}

    def apply(queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        if value not in allowed:
            raise ValidationError(_("“%(value)s” is not a choice here.") % {"value": value})
        return queryset.filter(**{field: value})

    return ListFilter(name, label, apply)


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(_("Give the date as YYYY-MM-DD.")) from None


def on_or_after(name: str, label: Any, field: str) -> ListFilter:
    """Rows whose date or moment `field` falls on or after the day in the link."""
    return ListFilter(
        name, label, lambda qs, value: qs.filter(**{f"{field}__date__gte": _day(value)})
    )


def before(name: str, label: Any, field: str) -> ListFilter:
    """Rows whose moment `field` falls before the day in the link."""
    return ListFilter(
        name, label, lambda qs, value: qs.filter(**{f"{field}__date__lt": _day(value)})
    )


def on_or_before(name: str, label: Any, field: str) -> ListFilter:
    """Rows whose date or moment `field` falls on or before the day in the link (a report's
    period, both ends included)."""
    return ListFilter(
        name, label, lambda qs, value: qs.filter(**{f"{field}__date__lte": _day(value)})
    )


def in_month(name: str, label: Any, field: str) -> ListFilter:
    """Rows whose date `field` falls in the month in the link (YYYY-MM)."""

    def apply(queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        try:
            month = dt.date.fromisoformat(f"{value}-01")
        except ValueError:
            raise ValidationError(_("Give the month as YYYY-MM.")) from None
        return queryset.filter(**{f"{field}__year": month.year, f"{field}__month": month.month})

    return ListFilter(name, label, apply)


def open_or_done(name: str, field: str) -> ListFilter:
    """`open` (the moment `field` is empty) or `done` (set)."""

    def apply(queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        if value not in ("open", "done"):
            raise ValidationError(_("Say open or done."))
        return queryset.filter(**{f"{field}__isnull": value == "open"})

    return ListFilter(name, gettext_lazy("State"), apply)
