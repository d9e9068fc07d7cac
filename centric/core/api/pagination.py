"""Cursor pages for the API: `{"items": [...], "next_cursor": ..., "previous_cursor": ...}`.

Built on `centric.core.pagination.keyset_page`, so no list ever counts the table or uses OFFSET.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import DataError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema

from centric.core.pagination import Page, decode_cursor, keyset_page

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


class PageParams(Schema):
    cursor: str | None = Field(
        None, max_length=2000, description="`next_cursor` or `previous_cursor` of a page."
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")


def page_of(
    queryset: QuerySet[Any], *, ordering: list[str], cursor: str | None, limit: int
) -> Page:
    """One keyset page; a forged or stale cursor is a 422 on `cursor`, never a 500."""
    if not cursor:
        return keyset_page(queryset, ordering=ordering, size=limit)
    values, _direction = decode_cursor(cursor, len(ordering))
    if any(isinstance(value, str) and "\x00" in value for value in values):
        raise ValidationError({"cursor": _("This page link is not valid.")})
    try:
        return keyset_page(queryset, ordering=ordering, cursor=cursor, size=limit)
    except ValidationError:
        raise
    except (ValueError, TypeError, OverflowError, DataError) as error:
        raise ValidationError(
            {"cursor": _("This page link is not valid; start again from the first page.")}
        ) from error


def page_body(page: Page) -> dict[str, Any]:
    return {
        "items": page.items,
        "next_cursor": page.next_cursor,
        "previous_cursor": page.previous_cursor,
    }
