"""Exports of the people and organisation lists (CSV, XLSX, vCard), filtered like the lists.

Every export starts from `Model.objects.visible_to(user)` and the list's own filters, so it holds
exactly what the user sees. Cells that a spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from centric.customers.filters import filter_organisations, filter_people
from centric.customers.models import ContactPoint, Organisation, Person
from centric.customers.selectors import memberships_visible
from centric.extras.models import CustomFieldDefinition

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would treat as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | dt.date):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _definitions(record_type: str) -> list[CustomFieldDefinition]:
    return list(CustomFieldDefinition.objects.filter(record_type=record_type))


def people_queryset(user: Any, params: dict) -> QuerySet:
    queryset, ordering = filter_people(Person.objects.visible_to(user), params, user)
    return (
        queryset.order_by(*ordering)
        .select_related("owner", "lifecycle_stage")
        .prefetch_related(
            "tags",
            Prefetch(
                "memberships",
                queryset=memberships_visible(user)
                .select_related("organisation")
                .order_by("-is_primary", "id"),
            ),
        )
    )


def organisations_queryset(user: Any, params: dict) -> QuerySet:
    queryset, ordering = filter_organisations(Organisation.objects.visible_to(user), params, user)
    return (
        queryset.order_by(*ordering)
        .select_related("owner", "lifecycle_stage")
        .prefetch_related(
            "tags",
            Prefetch("contact_points", queryset=ContactPoint.objects.order_by("-is_primary", "id")),
        )
    )


def people_header(definitions: list) -> list[str]:
    return [
        _("External id"),
        _("First name"),
        _("Middle name"),
        _("Last name"),
        _("Email"),
        _("Phone"),
        _("Organisation"),
        _("Title"),
        _("Date of birth"),
        _("Gender"),
        _("Preferred language"),
        _("Lifecycle stage"),
        _("Source"),
        _("Campaign"),
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
        _("Owner"),
        _("Tags"),
        *[d.label for d in definitions],
        _("Created"),
        _("Updated"),
    ]


def person_row(person: Person, definitions: list) -> list[Any]:
    membership = next(iter(person.memberships.all()), None)
    return [
        person.external_id or "",
        person.first_name,
        person.middle_name,
        person.last_name,
        person.primary_email,
        person.primary_phone,
        membership.organisation.name if membership else "",
        membership.role if membership else "",
        person.date_of_birth,
        person.gender,
        person.preferred_language,
        person.lifecycle_stage_id or "",
        person.source,
        person.campaign,
        person.utm_source,
        person.utm_medium,
        person.utm_campaign,
        person.utm_term,
        person.utm_content,
        person.owner.get_username() if person.owner else "",
        ", ".join(tag.name for tag in person.tags.all()),
        *[(person.custom_fields or {}).get(d.key, "") for d in definitions],
        person.created_at.replace(tzinfo=None, microsecond=0),
        person.updated_at.replace(tzinfo=None, microsecond=0),
    ]


def organisations_header(definitions: list) -> list[str]:
    return [
        _("External id"),
        _("Name"),
        _("Industry"),
        _("Email"),
        _("Phone"),
        _("Website"),
        _("Lifecycle stage"),
        _("Source"),
        _("Campaign"),
        _("Owner"),
        _("Tags"),
        *[d.label for d in definitions],
        _("Created"),
        _("Updated"),
    ]


def organisation_row(organisation: Organisation, definitions: list) -> list[Any]:
    points = list(organisation.contact_points.all())

    def first(*kinds: str) -> str:
        return next((p.value_normalized for p in points if p.kind in kinds), "")

    return [
        organisation.external_id or "",
        organisation.name,
        organisation.industry,
        first("email"),
        first("phone", "whatsapp"),
        first("website"),
        organisation.lifecycle_stage_id or "",
        organisation.source,
        organisation.campaign,
        organisation.owner.get_username() if organisation.owner else "",
        ", ".join(tag.name for tag in organisation.tags.all()),
        *[(organisation.custom_fields or {}).get(d.key, "") for d in definitions],
        organisation.created_at.replace(tzinfo=None, microsecond=0),
        organisation.updated_at.replace(tzinfo=None, microsecond=0),
    ]


def table_rows(record_type: str, queryset: QuerySet) -> tuple[list[str], Iterator[list[Any]]]:
    """The header and the rows (neutralised) of an export."""
    to_row: Callable[[Any, list[Any]], list[Any]]
    if record_type == "people":
        definitions = _definitions("person")
        header, to_row = people_header(definitions), person_row
    else:
        definitions = _definitions("organisation")
        header, to_row = organisations_header(definitions), organisation_row

    def rows() -> Iterator[list[Any]]:
        for record in queryset.iterator(chunk_size=CHUNK):
            yield [neutralise(value) for value in to_row(record, definitions)]

    return [neutralise(h) for h in header], rows()


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(header: list[str], rows: Iterator[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow(["" if v is None else v for v in row])


def xlsx_file(header: list[str], rows: Iterator[list[Any]], *, title: str):
    """Write an .xlsx with openpyxl's write-only mode to a temporary file (returned, rewound)."""
    import tempfile

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook.save(handle)
    handle.seek(0)
    return handle


def vcard_stream(queryset: QuerySet) -> Iterator[str]:
    from centric.imports.vcard_export import person_to_vcard

    queryset = queryset.prefetch_related(
        Prefetch("contact_points", queryset=ContactPoint.objects.order_by("-is_primary", "id"))
    )
    for person in queryset.iterator(chunk_size=CHUNK):
        yield person_to_vcard(person, person.contact_points.all(), person.memberships.all())
