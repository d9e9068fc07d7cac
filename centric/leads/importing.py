"""Leads from a file: a trade fair's sign-up sheet, a Facebook or Instagram lead form's CSV,
another CRM's lead export (CSV or Excel, read by the import wizard's reader).

Each column is suggested a lead field from its header; each row becomes a lead through
`lead_create` (the assignment rules and the scoring apply as to a lead typed in). A row naming
a lead already held (same email, phone or external id) is skipped, so importing a file twice
adds nothing. A value that cannot be read (a phone "0803 12") does not lose the row: the lead is
made without it and the value is kept, as typed, in its notes; a row is refused only when what
is left cannot make a lead (no name, or no way to reach them).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centric.core.normalise import normalise_phone
from centric.imports.parsing import ImportFileError, open_table
from centric.imports.values import split_full_name
from centric.leads.choices import LeadSource
from centric.leads.models import Lead
from centric.leads.services import lead_create

# A page waits for its import: files bigger than this go through the API in parts.
MAX_ROWS = 5000
FORMATS = ("csv", "xlsx")

# field → (label, header words that name it); headers are compared lower-cased, with
# punctuation and underscores as spaces (Facebook's `phone_number`, HubSpot's "Lead Source").
FIELDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "full_name": (
        gettext_lazy("Full name"),
        ("name", "full name", "contact name", "lead name", "customer name", "contact"),
    ),
    "first_name": (gettext_lazy("First name"), ("first name", "given name", "firstname", "first")),
    "last_name": (
        gettext_lazy("Last name"),
        ("last name", "surname", "family name", "lastname", "last"),
    ),
    "organisation_name": (
        gettext_lazy("Organisation"),
        ("company", "company name", "organisation", "organization", "business", "business name"),
    ),
    "job_title": (gettext_lazy("Job title"), ("job title", "title", "position", "designation")),
    "email": (gettext_lazy("Email"), ("email", "e mail", "email address", "e mail address")),
    "phone": (
        gettext_lazy("Phone"),
        ("phone", "phone number", "mobile", "mobile phone", "mobile number", "telephone", "tel")
        + ("whatsapp", "whatsapp number", "gsm", "gsm number", "phone 1 value"),
    ),
    "source": (gettext_lazy("Source"), ("source", "lead source", "channel", "platform")),
    "territory": (
        gettext_lazy("Territory"),
        ("territory", "region", "state", "city", "location", "area", "lga"),
    ),
    "budget": (gettext_lazy("Budget"), ("budget", "deal value", "amount", "value")),
    "currency": (gettext_lazy("Currency"), ("currency",)),
    "need": (gettext_lazy("What they need"), ("need", "interest", "interested in", "product")),
    "notes": (
        gettext_lazy("Notes"),
        ("notes", "note", "comments", "comment", "description", "message"),
    ),
    "external_id": (gettext_lazy("External id"), ("id", "lead id", "record id", "external id")),
}
SKIP = ""
# What other tools write in a source column, to the business's sources.
SOURCE_WORDS = {
    "facebook": LeadSource.SOCIAL,
    "fb": LeadSource.SOCIAL,
    "instagram": LeadSource.SOCIAL,
    "ig": LeadSource.SOCIAL,
    "twitter": LeadSource.SOCIAL,
    "x": LeadSource.SOCIAL,
    "tiktok": LeadSource.SOCIAL,
    "linkedin": LeadSource.SOCIAL,
    "social": LeadSource.SOCIAL,
    "social media": LeadSource.SOCIAL,
    "whatsapp": LeadSource.WHATSAPP,
    "website": LeadSource.WEBSITE,
    "web": LeadSource.WEBSITE,
    "web form": LeadSource.WEBSITE,
    "google": LeadSource.WEBSITE,
    "referral": LeadSource.REFERRAL,
    "referred": LeadSource.REFERRAL,
    "word of mouth": LeadSource.REFERRAL,
    "walk in": LeadSource.WALK_IN,
    "walkin": LeadSource.WALK_IN,
    "phone": LeadSource.PHONE,
    "phone call": LeadSource.PHONE,
    "call": LeadSource.PHONE,
    "cold call": LeadSource.PHONE,
    "event": LeadSource.EVENT,
    "trade show": LeadSource.EVENT,
    "trade fair": LeadSource.EVENT,
    "market": LeadSource.EVENT,
    "exhibition": LeadSource.EVENT,
}
# Values the lead can do without: when one cannot be read, the lead is made without it.
DROPPABLE = ("phone", "email", "budget", "currency", "territory", "job_title", "external_id")
_WORDS = re.compile(r"[^0-9a-z]+")
_MONEY = re.compile(r"^(?:[A-Za-z]{3}|[₦$€£])?\s*|\s*(?:[A-Za-z]{3})$")


def _words(text: str) -> str:
    return _WORDS.sub(" ", (text or "").lower()).strip()


@dataclass(frozen=True)
class Suggestion:
    header: str
    field: str
    samples: tuple[str, ...]


def suggest(headers: list[str], samples: list[list[str]] | None = None) -> list[Suggestion]:
    """A field for each header (each field once, the first header naming it), with the first
    rows' values of the column."""
    taken: set[str] = set()
    result = []
    for index, header in enumerate(headers):
        words = _words(header)
        chosen = next(
            (name for name, (_l, names) in FIELDS.items() if words in names and name not in taken),
            SKIP,
        )
        if chosen:
            taken.add(chosen)
        values = tuple(row[index] for row in samples or [] if index < len(row) and row[index])
        result.append(Suggestion(header, chosen, values[:3]))
    return result


def clean_mapping(headers: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """The mapping as given, checked: known headers, known fields, each field once."""
    errors: dict[str, str] = {}
    used: dict[str, str] = {}
    for header, name in mapping.items():
        if header not in headers:
            errors[header] = _("The file has no column “%(header)s”.") % {"header": header}
        elif name and name not in FIELDS:
            errors[header] = _("“%(field)s” is not a lead field.") % {"field": name}
        elif name and name in used:
            errors[header] = _("“%(first)s” already fills this field.") % {"first": used[name]}
        elif name:
            used[name] = header
    if errors:
        raise ValidationError(errors)
    if not {"full_name", "first_name", "last_name", "organisation_name"} & set(used):
        raise ValidationError(
            {"mapping": _("Choose the column with the lead's name (or their organisation's).")}
        )
    return {header: name for header, name in mapping.items() if name}


@dataclass
class ImportedLeads:
    created: int = 0
    # (line, words): rows naming a lead already held, and rows that could not make a lead.
    skipped: list[tuple[int, str]] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    # (line, words): values the lead was made without, kept in its notes as typed.
    kept_aside: list[tuple[int, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        def rows(items: list[tuple[int, str]]) -> list[dict[str, Any]]:
            return [{"line": line, "message": words} for line, words in items]

        return {
            "created": self.created,
            "skipped": rows(self.skipped),
            "rejected": rows(self.rejected),
            "kept_aside": rows(self.kept_aside),
        }


def _source(text: str) -> tuple[str, str]:
    """The business's source for a file's word, and the word when it is none of them."""
    words = _words(text)
    if not words:
        return LeadSource.IMPORT, ""
    for value, label in LeadSource.choices:
        if words in (_words(value), _words(str(label))):
            return value, ""
    known = SOURCE_WORDS.get(words)
    return (known, "") if known else (LeadSource.IMPORT, text.strip())


def _budget(text: str) -> Decimal | None:
    """ "₦1,500,000", "NGN 250000.00", "1.500.000,00" → Decimal; ValidationError otherwise."""
    cleaned = _MONEY.sub("", text.strip()).replace(" ", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d{1,2})?", cleaned):  # a decimal comma
        cleaned = cleaned.replace(".", "").replace(",", ".")
    cleaned = cleaned.replace(",", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(
            {"budget": _("“%(value)s” is not an amount.") % {"value": text}}
        ) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({"budget": _("“%(value)s” is not an amount.") % {"value": text}})
    return amount


def _values(
    row: list[str], headers: list[str], mapping: dict[str, str]
) -> tuple[dict[str, Any], list[str]]:
    """The lead's values from one row, and notes on what was kept as typed."""
    cells = {
        mapping[header]: (row[index] if index < len(row) else "").strip()
        for index, header in enumerate(headers)
        if header in mapping
    }
    values: dict[str, Any] = {}
    notes: list[str] = []
    full = cells.pop("full_name", "")
    if full and not (cells.get("first_name") or cells.get("last_name")):
        first, middle, last = split_full_name(full)
        cells["first_name"] = " ".join(part for part in (first, middle) if part)
        cells["last_name"] = last
    source, unknown = _source(cells.pop("source", ""))
    values["source"] = source
    if unknown:
        notes.append(_("Source: %(value)s") % {"value": unknown})
    budget = cells.pop("budget", "")
    if budget:
        try:
            values["budget"] = _budget(budget)
        except ValidationError:
            notes.append(_("Budget as typed: %(value)s") % {"value": budget})
    for name, value in cells.items():
        if value:
            values[name] = value.upper() if name == "currency" else value
    return values, notes


def _already(values: dict[str, Any]) -> Lead | None:
    """A lead already held with the row's email, phone or external id."""
    match = Q(pk__in=[])
    if values.get("email"):
        match |= Q(email=values["email"].strip().lower())
    if values.get("phone"):
        with contextlib.suppress(ValidationError):  # an unreadable phone matches nobody
            match |= Q(phone_normalized=normalise_phone(values["phone"]))
    if values.get("external_id"):
        match |= Q(external_id=values["external_id"])
    return Lead.objects.filter(match).order_by("id").first()


def _create(
    actor: Any, owner: Any, values: dict[str, Any], notes: list[str]
) -> tuple[Lead, list[str]]:
    """The lead, made without the values it cannot take (each named in `dropped`)."""
    dropped: list[str] = []
    while True:
        given = dict(values)
        if notes:
            given["notes"] = "\n".join([*filter(None, [given.get("notes", "")]), *notes])
        try:
            with transaction.atomic():
                return lead_create(actor=actor, owner=owner, **given), dropped
        except ValidationError as error:
            fields = set(getattr(error, "message_dict", {}) or {})
            bad = [name for name in DROPPABLE if name in fields and name in values]
            if not bad or fields - set(bad):
                raise
            for name in bad:
                label = FIELDS[name][0]
                notes.append(
                    _("%(field)s as typed: %(value)s") % {"field": label, "value": values.pop(name)}
                )
                dropped.append(f"{label}: {' '.join(error.message_dict[name])}")


def import_leads(
    *,
    actor: Any,
    path: str | Path,
    file_format: str,
    mapping: dict[str, str] | None = None,
    owner: Any = None,
) -> ImportedLeads:
    """Import a file of leads (see the module's docstring); each lead in its own transaction,
    so a refused row never undoes the others."""
    if file_format not in FORMATS:
        raise ImportFileError(_("Leads come from a CSV (.csv) or Excel (.xlsx) file."))
    table = open_table(path, file_format)
    rows = list(_rows(table))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            _("The file holds %(rows)s rows; up to %(most)s leads are imported at a time.")
            % {"rows": f"{len(rows):,}", "most": f"{MAX_ROWS:,}"}
        )
    if mapping is None:
        mapping = {s.header: s.field for s in suggest(table.headers) if s.field}
    mapping = clean_mapping(table.headers, mapping)
    result = ImportedLeads()
    for line, cells, unreadable in rows:
        if unreadable:
            result.rejected.append((line, unreadable))
            continue
        values, notes = _values(cells, table.headers, mapping)
        held = _already(values)
        if held is not None:
            result.skipped.append((line, _("Already a lead: %(lead)s.") % {"lead": held}))
            continue
        try:
            _lead, dropped = _create(actor, owner, values, notes)
        except ValidationError as error:
            result.rejected.append((line, " ".join(error.messages)))
            continue
        result.created += 1
        result.kept_aside += [(line, words) for words in dropped]
    return result


def _rows(table: Any) -> Iterator[tuple[int, list[str], str]]:
    """(line, cells, why it cannot be read) of each row that is not blank."""
    for row in table.rows():
        if row.error:
            yield row.line, [], row.error
        elif any(value.strip() for value in row.values):
            yield row.line, row.values, ""


# --- Files waiting for their mapping (the page's two steps) ------------------------------------

UPLOADS = "lead-imports"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
KEPT_FOR = 24 * 3600  # an abandoned upload is removed by the next one after a day


def _uploads() -> Path:
    from django.conf import settings

    folder = Path(settings.MEDIA_ROOT) / UPLOADS
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_upload(uploaded: Any) -> tuple[str, str]:
    """Keep an uploaded file (outside the web root, under a random name) until its mapping is
    chosen: (token, format). CSV and Excel only; a file too big or empty is refused."""
    import secrets
    import time

    from centric.imports.parsing import check_size, format_of

    file_format = format_of(uploaded.name)
    if file_format not in FORMATS:
        raise ImportFileError(_("Leads come from a CSV (.csv) or Excel (.xlsx) file."))
    check_size(uploaded.size)
    folder = _uploads()
    for old in folder.iterdir():
        if old.stat().st_mtime < time.time() - KEPT_FOR:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    with (folder / f"{token}.{file_format}").open("wb") as target:
        for chunk in uploaded.chunks():
            target.write(chunk)
    return token, file_format


def stored_upload(token: str, file_format: str) -> Path:
    """The kept file of a token (ImportFileError when it is gone or the token is not one)."""
    if not _TOKEN.match(token or "") or file_format not in FORMATS:
        raise ImportFileError(_("The file of this import is no longer stored; upload it again."))
    return _uploads() / f"{token}.{file_format}"
