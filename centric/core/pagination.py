"""Keyset (cursor) pagination shared by pages and the API.

Lists never count the whole table and never use OFFSET, so page 1 and page 10,000 cost the same.
A cursor is an opaque token holding the sort values of the row at the edge of a page.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None = None
    previous_cursor: str | None = None
    ordering: list[str] = field(default_factory=list)


def _encode_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return dt.datetime.fromisoformat(value["dt"])
        if "d" in value:
            return dt.date.fromisoformat(value["d"])
        raise ValueError("bad cursor value")
    return value


def encode_cursor(values: list[Any], direction: str) -> str:
    raw = json.dumps(
        {"v": [_encode_value(v) for v in values], "d": direction}, separators=(",", ":")
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> tuple[list[Any], str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        values = [_decode_value(v) for v in data["v"]]
        direction = data["d"]
        if direction not in ("next", "previous") or len(values) != width:
            raise ValueError("bad cursor")
        return values, direction
    except (ValueError, KeyError, TypeError, json.JSONDecodeError) as error:
        raise ValidationError(
            {"cursor": _("This page link is not valid; start again from the first page.")}
        ) from error


def _after(ordering: list[str], values: list[Any], *, reverse: bool) -> Q:
    """Rows strictly after `values` in `ordering` (or before, when reverse).

    The OR-chain alone is only a filter to PostgreSQL, so a page deep in the list would scan every
    row before it; the redundant bound on the first column (`last_name >= …`) lets the sort index
    start the scan at the cursor, so page 10,000 costs what page 1 does.
    """
    condition = Q()
    equal_so_far = Q()
    for name, value in zip(ordering, values, strict=True):
        descending = name.startswith("-")
        column = name.lstrip("-")
        greater = descending == reverse
        step = Q(**{f"{column}__gt" if greater else f"{column}__lt": value})
        condition |= equal_so_far & step
        equal_so_far &= Q(**{column: value})
    first, value = ordering[0], values[0]
    if len(ordering) > 1 and value is not None:
        column = first.lstrip("-")
        greater = first.startswith("-") == reverse
        condition = Q(**{f"{column}__gte" if greater else f"{column}__lte": value}) & condition
    return condition


def _row_values(row: Any, ordering: list[str]) -> list[Any]:
    values = []
    for name in ordering:
        value = row
        for part in name.lstrip("-").split("__"):
            value = getattr(value, part)
        values.append(value)
    return values


def keyset_page(
    queryset: QuerySet[Any], *, ordering: list[str], cursor: str | None = None, size: int = 25
) -> Page:
    """One page of `queryset` in `ordering` (which must end in a unique column such as "id")."""
    size = max(1, min(int(size), 200))
    direction = "next"
    if cursor:
        values, direction = decode_cursor(cursor, len(ordering))
        queryset = queryset.filter(_after(ordering, values, reverse=direction == "previous"))
    if direction == "previous":
        flipped = [name[1:] if name.startswith("-") else f"-{name}" for name in ordering]
        rows = list(queryset.order_by(*flipped)[: size + 1])
        has_more = len(rows) > size
        rows = list(reversed(rows[:size]))
        page = Page(items=rows, ordering=ordering)
        if rows:
            page.next_cursor = encode_cursor(_row_values(rows[-1], ordering), "next")
            if has_more:
                page.previous_cursor = encode_cursor(_row_values(rows[0], ordering), "previous")
        return page
    rows = list(queryset.order_by(*ordering)[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    page = Page(items=rows, ordering=ordering)
    if rows and has_more:
        page.next_cursor = encode_cursor(_row_values(rows[-1], ordering), "next")
    if rows and cursor:
        page.previous_cursor = encode_cursor(_row_values(rows[0], ordering), "previous")
    return page


def keyset_page_or_errors(
    queryset: QuerySet[Any], *, ordering: list[str], cursor: str | None = None, size: int = 25
) -> tuple[Page, list[str]]:
    """For pages: a damaged cursor (an edited link) gives an empty page and the messages to
    show, not an error page."""
    try:
        return keyset_page(queryset, ordering=ordering, cursor=cursor, size=size), []
    except ValidationError as error:
        return Page(items=[]), error.messages
