"""Turning one file row into validated, normalised values — in Python, with the same normalise
functions the forms and the API use, so a batch can then be written in bulk."""

from __future__ import annotations

import datetime as dt
import pickle
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from centric.core.normalise import read_phone
from centric.core.search import search_key
from centric.customers.choices import ConsentStatus, ContactKind, Gender
from centric.customers.models import ContactPoint, LifecycleStage, Organisation, Person
from centric.customers.services.contact_points import (
    normalise_contact_value,
    primary_email_and_phone,
)
from centric.customers.services.organisations import organisation_search_name
from centric.customers.services.people import person_search_name
from centric.extras.models import CustomFieldDefinition
from centric.extras.services import custom_field_value_clean as coerce_custom_value
from centric.imports import values as cells
from centric.imports.countries import COUNTRY_CODES
from centric.imports.fields import ADDRESS_TARGETS, CONTACT_TARGETS, UTM, label_columns
from centric.imports.models import NoticeKind, RecordType
from centric.imports.services import bulk

if TYPE_CHECKING:
    from django.db import models

SPLIT_EMAILS = re.compile(r"[;,\s]+")
SPLIT_PHONES = re.compile(r"[;,/]+")
SPLIT_TAGS = re.compile(r"[,;]+")
MAX_CELL = 10_000
GENDERS = {
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
    "woman": Gender.FEMALE,
    "w": Gender.FEMALE,
    "m": Gender.MALE,
    "male": Gender.MALE,
    "man": Gender.MALE,
    "other": Gender.OTHER,
    "o": Gender.OTHER,
    "nonbinary": Gender.OTHER,
    "non-binary": Gender.OTHER,
    "undisclosed": Gender.UNDISCLOSED,
    "prefer not to say": Gender.UNDISCLOSED,
    "not disclosed": Gender.UNDISCLOSED,
    **dict.fromkeys(cells.EMPTY_GENDERS, ""),
}
CONSENT_VALUES = {
    "yes": ConsentStatus.GRANTED,
    "y": ConsentStatus.GRANTED,
    "true": ConsentStatus.GRANTED,
    "1": ConsentStatus.GRANTED,
    "granted": ConsentStatus.GRANTED,
    "opt-in": ConsentStatus.GRANTED,
    "optin": ConsentStatus.GRANTED,
    "opted in": ConsentStatus.GRANTED,
    "subscribed": ConsentStatus.GRANTED,
    "no": ConsentStatus.DENIED,
    "n": ConsentStatus.DENIED,
    "false": ConsentStatus.DENIED,
    "0": ConsentStatus.DENIED,
    "denied": ConsentStatus.DENIED,
    "withdrawn": ConsentStatus.WITHDRAWN,
    "unsubscribed": ConsentStatus.WITHDRAWN,
    "opt-out": ConsentStatus.WITHDRAWN,
    "optout": ConsentStatus.WITHDRAWN,
    "opted out": ConsentStatus.WITHDRAWN,
    "pending": ConsentStatus.PENDING,
}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y")
# A row without a name still identifies a person by one of these (decision 0055).
IDENTIFYING_KINDS = (ContactKind.EMAIL, ContactKind.PHONE, ContactKind.WHATSAPP, ContactKind.SOCIAL)
NAME_TARGETS = ("full_name", "first_name", "last_name", "middle_name")
PLAIN_FIELDS = ("middle_name", "preferred_language", "industry", "source", "campaign", *UTM)


class RowRejected(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class PreparedRow:
    line: int
    raw: list[str]
    fields: dict[str, Any] = field(default_factory=dict)
    custom_fields: dict[str, Any] = field(default_factory=dict)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    organisation: str = ""
    role: str = ""
    consents: list[tuple[str, str]] = field(default_factory=list)
    external_id: str | None = None
    owner_text: str = ""
    # A team column's value: the row's team, over the file's and the owner's (decision 0064).
    team_text: str = ""
    # Values the row's record is saved without, each reported on the import (the row is kept).
    notes: list[str] = field(default_factory=list)
    # A people import's row that names no person but an organisation (a company's card in a
    # phone's contacts): it is written as that organisation.
    is_organisation: bool = False
    # Values not taken as they stood: {"field", "column", "value", "reason", "kind"} (kind: a
    # NoticeKind); those that need attention are kept as typed on the record.
    notices: list[dict[str, str]] = field(default_factory=list)
    # (record, history, [(contact point, its history)]) COPY text when the row creates a record
    copy_text: tuple[str, str, list[tuple[str, str]]] | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        """How a preparing worker sends the row back: without its raw values (the importing
        process has them), and with the values only an update reads (fields, contact points,
        custom fields) packed into one string of bytes that is unpacked when first read. A new
        record's row is written from its COPY text, so the importing process never builds those
        dicts for it (unpickling them was its largest cost)."""
        state = self.__dict__
        if "_packed" in state:
            packed = state["_packed"]
        else:
            packed = pickle.dumps(
                (state["fields"], state["contacts"], state["custom_fields"]),
                pickle.HIGHEST_PROTOCOL,
            )
        return (_restored, (tuple(state[name] for name in _SENT), packed))

    def __getattr__(self, name: str) -> Any:
        # Only called for an attribute the row lacks: the packed ones of a row sent back.
        state = self.__dict__
        if name in _PACKED and "_packed" in state:
            state["fields"], state["contacts"], state["custom_fields"] = pickle.loads(  # noqa: S301 - our own worker's bytes
                state.pop("_packed")
            )
            return state[name]
        raise AttributeError(name)

    @property
    def needs_attention(self) -> list[dict[str, str]] | None:
        """What the record keeps of the values that need attention (NULL when none does)."""
        items = [
            {"field": n["field"], "value": n["value"], "reason": n["reason"]}
            for n in self.notices
            if n["kind"] == NoticeKind.NEEDS_ATTENTION
        ]
        return items or None

    @property
    def emails(self) -> list[str]:
        return [c["value_normalized"] for c in self.contacts if c["kind"] == ContactKind.EMAIL]


_PACKED = ("fields", "contacts", "custom_fields")
_SENT = tuple(f.name for f in dataclass_fields(PreparedRow) if f.name not in (*_PACKED, "raw"))


def _restored(sent: tuple[Any, ...], packed: bytes) -> PreparedRow:
    """A PreparedRow as a preparing worker sent it (see `PreparedRow.__reduce__`); its `raw`
    is set by the importing process."""
    row = PreparedRow.__new__(PreparedRow)
    state = row.__dict__
    state.update(zip(_SENT, sent, strict=True))
    state["raw"] = []
    state["_packed"] = packed
    return row


def contact_group(kind: str) -> str:
    """Contact kinds that share one primary: phone and WhatsApp numbers are both "phone"."""
    return "phone" if kind in (ContactKind.PHONE, ContactKind.WHATSAPP) else kind


def new_record_values(prepared: PreparedRow) -> dict[str, Any]:
    """The attributes a new record gets from its row (the writer adds owner defaults, stamps)."""
    values = {
        k: v for k, v in prepared.fields.items() if v not in (None, "") or k.endswith("_name")
    }
    values["external_id"] = prepared.external_id
    values["custom_fields"] = dict(prepared.custom_fields)
    values["needs_attention"] = prepared.needs_attention
    return values


def new_contact_values(prepared: PreparedRow) -> list[dict[str, Any]]:
    """The contact points of a new record: the first of each kind is its primary."""
    points = []
    primaries: set[str] = set()
    for contact in prepared.contacts:
        group = contact_group(contact["kind"])
        points.append({**contact, "is_primary": group not in primaries})
        primaries.add(group)
    return points


class NewRowText:
    """Formats, in the preparing worker, the COPY text of the record a row would create and of
    its contact points and history rows — all but the leading columns (ids, owner and team,
    time stamps), which the writer puts in front once it knows them. Most of the importing
    process's work moves to the workers this way (PostgreSQL only)."""

    RECORD = ["id", "owner_id", "team_id", "created_at", "updated_at"]
    RECORD_HISTORY = ["id", "owner_id", "team_id", "created_at"]

    def __init__(self, model: type[models.Model], owner_attr: str) -> None:
        owner = f"{owner_attr}_id"
        self.record = bulk.SplitLayout(bulk.layout(model), self.RECORD)
        self.history = bulk.SplitLayout(bulk.layout(model, history=True), self.RECORD_HISTORY)
        self.point = bulk.SplitLayout(
            bulk.layout(ContactPoint), ["id", owner, "created_at", "updated_at"]
        )
        self.point_history = bulk.SplitLayout(
            bulk.layout(ContactPoint, history=True), ["id", owner, "created_at"]
        )
        self.records = bulk.SharedRest(self.record, self.history)
        self.points = bulk.SharedRest(self.point, self.point_history)

    def format(self, prepared: PreparedRow) -> tuple[str, str, list[tuple[str, str]]]:
        record, history = self.records.rest(new_record_values(prepared))
        rest = self.points.rest
        points = [tuple(rest(point)) for point in new_contact_values(prepared)]
        return record, history, cast("list[tuple[str, str]]", points)


def _max_lengths(model: type[models.Model]) -> dict[str, int]:
    fields: Sequence[Any] = model._meta.get_fields()  # relations too, read with getattr
    return {
        f.name: f.max_length
        for f in fields
        if getattr(f, "max_length", None) and f.get_internal_type() == "CharField"
    }


def parse_date(text: str) -> dt.date:
    value = text.strip()
    if "T" in value and len(value) > 10:
        value = value.split("T", 1)[0]
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    if (date := cells.parse_slashed_date(value)) is not None:
        return date
    raise ValueError(value)


class RowPreparer:
    """Validates and normalises rows of one import; caches look-ups (stages, owners, fields)."""

    def __init__(
        self,
        *,
        record_type: str,
        headers: list[str],
        mapping: dict[str, str],
        decimal_comma: bool = False,
        stage_mapping: dict[str, str] | None = None,
    ) -> None:
        self.record_type = record_type
        self.decimal_comma = decimal_comma
        self.model = Person if record_type == RecordType.PEOPLE else Organisation
        self.labels = {}
        from centric.imports.fields import targets

        self.labels = {t.key: str(t.label) for t in targets(record_type)}
        self.headers = headers
        self.columns: dict[str, list[int]] = {}
        index_of = {h: i for i, h in enumerate(headers)}
        for header, target in mapping.items():
            if target and header in index_of:
                self.columns.setdefault(target, []).append(index_of[header])
        self.max_lengths = _max_lengths(self.model)
        # What each row is checked for, worked out once (an import prepares millions of rows).
        self.plain_fields = [n for n in PLAIN_FIELDS if n in self.columns and n in self.max_lengths]
        self.consent_targets = [t for t in self.columns if t.startswith(("consent.", "optout."))]
        self.custom_targets = [t for t in self.columns if t.startswith("cf.")]
        self.contact_kinds = [k for k in CONTACT_TARGETS if k in self.columns]
        # A contact column's label: from a label column beside it (Google's "E-mail 1 -
        # Label"), else from its name (Outlook's "Business Phone" is work).
        self.label_columns = label_columns(headers)
        self.header_labels = {i: cells.header_label(h) for i, h in enumerate(headers)}
        self.has_address = any(name in self.columns for name in ADDRESS_TARGETS)
        self.stages: dict[str, str] = {}
        for stage in LifecycleStage.objects.all():
            self.stages[stage.key.lower()] = stage.key
            self.stages[str(stage.label).lower()] = stage.key
        # The user's confirmed reading of the file's stage values ("" for no stage), by the
        # value in lower case; values it does not name are matched as before.
        self.stage_mapping = {
            value.strip().lower(): key for value, key in (stage_mapping or {}).items()
        }
        self.owner_cache: dict[str, tuple[int, int | None] | None] = {}
        self.team_cache: dict[str, int | None] = {}
        self.name_keys: dict[str, str] = {}
        definition_type = "person" if record_type == RecordType.PEOPLE else "organisation"
        self.definitions = {
            d.key: d for d in CustomFieldDefinition.objects.filter(record_type=definition_type)
        }
        self.required_custom = [d.key for d in self.definitions.values() if d.is_required]
        self.new_row_text = (
            NewRowText(self.model, "person" if record_type == RecordType.PEOPLE else "organisation")
            if connection.vendor == "postgresql"
            else None
        )

    def label(self, target: str) -> str:
        return self.labels.get(target, target)

    def _values(self, row: list[str], target: str) -> list[str]:
        columns = self.columns.get(target)
        if not columns:
            return []
        return [row[i].strip() for i in columns if i < len(row) and row[i].strip()]

    def _cells(self, row: list[str], target: str) -> list[tuple[str, str]]:
        """(column, value) of each non-empty cell mapped to `target`."""
        return [
            (self.headers[i] if i < len(self.headers) else str(i + 1), row[i].strip())
            for i in self.columns.get(target, ())
            if i < len(row) and row[i].strip()
        ]

    def _column(self, row: list[str], target: str) -> str:
        """The column `_value` read for `target`."""
        cells = self._cells(row, target)
        return cells[0][0] if cells else ""

    def _value(self, row: list[str], target: str) -> str:
        columns = self.columns.get(target)
        if not columns:
            return ""
        for i in columns:
            if i < len(row) and (value := row[i].strip()):
                return value
        return ""

    def owner(self, text: str) -> tuple[int, int | None] | None:
        key = text.strip().lower()
        if key not in self.owner_cache:
            user = (
                get_user_model()
                .objects.filter(Q(username__iexact=key) | Q(email__iexact=key), is_active=True)
                .order_by("id")
                .values_list("id", "team_id")
                .first()
            )
            self.owner_cache[key] = user
        return self.owner_cache[key]

    def _text(self, name: str, value: str, errors: list[str], target: str | None = None) -> str:
        limit = self.max_lengths.get(name)
        if limit and len(value) > limit:
            errors.append(
                _("%(field)s: at most %(limit)d characters (this one has %(length)d).")
                % {"field": self.label(target or name), "limit": limit, "length": len(value)}
            )
        return value

    def resolve(self, prepared: PreparedRow) -> PreparedRow:
        """The look-ups that need the database (the owner), done in the importing process."""
        if prepared.owner_text:
            owner = self.owner(prepared.owner_text)
            if owner is None:
                raise RowRejected(
                    _("Owner: there is no active staff user “%(value)s”.")
                    % {"value": prepared.owner_text}
                )
            prepared.fields["owner_id"], prepared.fields["team_id"] = owner
        if prepared.team_text:
            team = self.team(prepared.team_text)
            if team is None:
                raise RowRejected(
                    _("Team: there is no team “%(value)s”.") % {"value": prepared.team_text}
                )
            prepared.fields["team_id"] = team
        return prepared

    def team(self, text: str) -> int | None:
        from django.apps import apps
        from django.conf import settings

        key = text.strip().lower()
        if key not in self.team_cache:
            model = apps.get_model(settings.CENTRIC_TEAM_MODEL)
            self.team_cache[key] = (
                model._default_manager.filter(name__iexact=key)
                .order_by("id")
                .values_list("id", flat=True)
                .first()
            )
        return self.team_cache[key]

    def prepare(
        self, line: int, row: list[str], notices: Sequence[dict[str, str]] = ()
    ) -> PreparedRow:
        """A validated row, or RowRejected naming every problem in it. Needs no database (it may
        run in a worker process); `resolve` does the look-ups afterwards. `notices` are what
        the file's reader noticed about the row (`Row.notices`): they join the row's own."""
        errors: list[str] = []
        if row and max(map(len, row)) > MAX_CELL:
            raise RowRejected(
                _("A cell is longer than %(limit)d characters.") % {"limit": MAX_CELL}
            )
        prepared = PreparedRow(line=line, raw=row, notices=list(notices))
        fields = prepared.fields
        if self.record_type == RecordType.PEOPLE:
            prepared.organisation = self._value(row, "organisation")
            prepared.is_organisation = bool(prepared.organisation) and not any(
                self._value(row, k) for k in ("first_name", "middle_name", "last_name", "full_name")
            )
            self._names(row, fields, errors)
            self._person_fields(row, prepared, errors)
            if len(prepared.organisation) > 200:
                errors.append(
                    _("%(field)s: at most %(limit)d characters (this one has %(length)d).")
                    % {
                        "field": self.label("organisation"),
                        "limit": 200,
                        "length": len(prepared.organisation),
                    }
                )
            role = self._value(row, "role")
            if len(role) > 150:
                errors.append(
                    _("%(field)s: at most %(limit)d characters (this one has %(length)d).")
                    % {"field": self.label("role"), "limit": 150, "length": len(role)}
                )
            prepared.role = role
            self._consents(row, prepared, errors)
        else:
            name = self._value(row, "name")
            if not name:
                errors.append(_("Name: this field is required."))
            fields["name"] = self._text("name", name, errors)
        for name in self.plain_fields:
            if value := self._value(row, name):
                fields[name] = self._text(name, value, errors)
        external_id = self._value(row, "external_id")
        if external_id:
            prepared.external_id = self._text("external_id", external_id, errors)
        if stage := self._value(row, "lifecycle_stage"):
            key = self.stage_mapping.get(stage.lower())
            if key is None or (key and key not in self.stages.values()):
                key = cells.stage_key(stage, self.stages)
            if key == "":
                pass  # the user chose "no stage" for this value on the mapping page
            elif key is None:
                prepared.notes.append(
                    _(
                        "Lifecycle stage: “%(value)s” is not one of %(stages)s; "
                        "the row was imported without it."
                    )
                    % {"value": stage, "stages": ", ".join(sorted(set(self.stages.values())))}
                )
            else:
                fields["lifecycle_stage_id"] = key
        prepared.owner_text = self._value(row, "owner")
        prepared.team_text = self._value(row, "team")
        self._contacts(row, prepared, errors)
        for value in self._values(row, "tags"):
            for name in (n for cell in cells.split_values(value) for n in SPLIT_TAGS.split(cell)):
                if name.strip() and not cells.is_system_group(name):
                    if len(name.strip()) > 60:
                        errors.append(_("Tags: a tag has at most 60 characters."))
                    elif name.strip().lower() not in {t.lower() for t in prepared.tags}:
                        prepared.tags.append(name.strip())
        self._custom_fields(row, prepared, errors)
        if (
            self.record_type == RecordType.PEOPLE
            and not prepared.is_organisation
            and not (fields["first_name"] or fields["last_name"] or fields.get("middle_name"))
        ):
            self._nameless(row, prepared, errors)
        if errors:
            raise RowRejected("; ".join(errors + prepared.notes))
        self._denormalised(prepared)
        if self.new_row_text is not None and not prepared.is_organisation:
            prepared.copy_text = self.new_row_text.format(prepared)
        return prepared

    def _nameless(self, row: list[str], prepared: PreparedRow, errors: list[str]) -> None:
        """A row without a name is a person when a way to reach them identifies them: kept,
        needing a name. With neither it is rejected, naming the values it held that could not
        be read, so the report says all of it (decision 0055)."""
        if any(c["kind"] in IDENTIFYING_KINDS for c in prepared.contacts):
            columns = [self._headers_of(target) for target in NAME_TARGETS]
            column = next((c for c in columns if c), "")
            prepared.notices.append(
                {
                    "field": "name",
                    "column": column,
                    "value": "",
                    "reason": _(
                        "Name: the row gives none; the person is known by their email or phone "
                        "until one is added."
                    ),
                    "kind": NoticeKind.NEEDS_ATTENTION,
                }
            )
            return
        kept = [n for n in prepared.notices if n["kind"] == NoticeKind.NEEDS_ATTENTION]
        if not kept:
            errors.insert(
                0, _("Nothing identifies this person: give a name, an email or a phone number.")
            )
            return
        errors.insert(
            0,
            _(
                "Nothing identifies this person: give a name, an email or a phone number (the "
                "row's other values: %(values)s)."
            )
            % {"values": " ".join(n["reason"] for n in kept)},
        )

    def _headers_of(self, target: str) -> str:
        """The file's column(s) mapped to `target`, joined ("" when none is)."""
        return ", ".join(
            self.headers[i] for i in self.columns.get(target, ()) if i < len(self.headers)
        )

    def _keep_as_typed(
        self, prepared: PreparedRow, target: str, column: str, value: str, reason: str
    ) -> None:
        """A value that cannot be read is kept as typed on the record, needing attention."""
        prepared.notices.append(
            {
                "field": target,
                "column": column,
                "value": value,
                "reason": f"{self.label(target)}: {reason}",
                "kind": NoticeKind.NEEDS_ATTENTION,
            }
        )

    def _denormalised(self, prepared: PreparedRow) -> None:
        """What the services keep beside the fields: the search key, the primary email/phone."""
        fields = prepared.fields
        if self.record_type != RecordType.PEOPLE:
            fields["search_name"] = organisation_search_name(
                SimpleNamespace(name=fields["name"], custom_fields=prepared.custom_fields)
            )
            return
        if prepared.custom_fields:
            fields["search_name"] = person_search_name(
                # Only the names and custom fields are read: no Person is built per row.
                cast(
                    "Person",
                    SimpleNamespace(
                        first_name=fields.get("first_name", ""),
                        middle_name=fields.get("middle_name", ""),
                        last_name=fields.get("last_name", ""),
                        custom_fields=prepared.custom_fields,
                    ),
                )
            )
        else:
            fields["search_name"] = self._name_key(
                fields.get("first_name", ""), fields.get("middle_name", ""), fields["last_name"]
            )
        fields["primary_email"], fields["primary_phone"] = primary_email_and_phone(
            prepared.contacts
        )

    def _name_key(self, *names: str) -> str:
        """`person_search_name` of a person without custom fields: the search key of each name
        (folding works word by word, so the key of "first middle last" is the keys of its
        parts joined), each distinct name folded once — a file of a million people holds a few
        thousand distinct first names and surnames."""
        keys = self.name_keys
        parts = []
        for name in names:
            if name:
                key = keys.get(name)
                if key is None:
                    if len(keys) > 100_000:
                        keys.clear()
                    key = keys[name] = search_key(name)
                if key:
                    parts.append(key)
        return " ".join(parts)[:400]

    def _names(self, row: list[str], fields: dict[str, Any], errors: list[str]) -> None:
        first, middle, last = (
            self._value(row, k) for k in ("first_name", "middle_name", "last_name")
        )
        full = self._value(row, "full_name")
        if full and not (first or last):
            first, in_between, last = cells.split_full_name(full)
            middle = middle or in_between
        fields["first_name"] = self._text("first_name", first, errors)
        fields["last_name"] = self._text("last_name", last, errors)
        if middle:
            fields["middle_name"] = self._text("middle_name", middle, errors)

    def _person_fields(self, row: list[str], prepared: PreparedRow, errors: list[str]) -> None:
        fields = prepared.fields
        value = self._value(row, "date_of_birth")
        if value and not cells.is_empty_date(value):
            column = self._column(row, "date_of_birth")
            try:
                born = parse_date(value)
            except ValueError:
                if cells.month_day(value):
                    prepared.notes.append(
                        _(
                            "Date of birth: “%(value)s” has no year; a date of birth is kept "
                            "with its year, so it was not saved."
                        )
                        % {"value": value}
                    )
                else:
                    self._keep_as_typed(
                        prepared,
                        "date_of_birth",
                        column,
                        value,
                        _("“%(value)s” is not a date (use YYYY-MM-DD).") % {"value": value},
                    )
            else:
                if born > dt.date.today():
                    self._keep_as_typed(
                        prepared,
                        "date_of_birth",
                        column,
                        value,
                        _("“%(value)s” is in the future.") % {"value": value},
                    )
                else:
                    fields["date_of_birth"] = born
        if value := self._value(row, "gender"):
            gender = GENDERS.get(value.lower())
            if gender is None:
                prepared.notes.append(
                    _(
                        "Gender: “%(value)s” is not one of female, male, other, undisclosed; "
                        "not saved."
                    )
                    % {"value": value}
                )
            elif gender:
                fields["gender"] = gender

    def _consents(self, row: list[str], prepared: PreparedRow, errors: list[str]) -> None:
        for target in self.consent_targets:
            value = self._value(row, target)
            if not value:
                continue
            status = CONSENT_VALUES.get(value.lower())
            if target.startswith("optout.") and status is not None:
                # "Opted out: yes" withdraws the consent; "no" says nothing about consent.
                if status == ConsentStatus.GRANTED:
                    prepared.consents.append((target.split(".", 1)[1], ConsentStatus.WITHDRAWN))
                continue
            if status is None:
                errors.append(
                    _("%(field)s: “%(value)s” is not yes/no, granted, denied or withdrawn.")
                    % {"field": self.label(target), "value": value}
                )
                continue
            prepared.consents.append((target.split(".", 1)[1], status))

    def _contact_cells(
        self, row: list[str], kind: str
    ) -> Iterator[tuple[str, list[tuple[str, str]]]]:
        """(column, [(value, its label)]) of each non-empty cell mapped to a contact kind: the
        cell's values (Google's " ::: " joins several) share its label, or take one each when
        the label cell holds as many; without a label column the column's name gives one."""
        for index in self.columns.get(kind, ()):
            cell = row[index].strip() if index < len(row) else ""
            if not cell:
                continue
            values = cells.split_values(cell)
            label_index = self.label_columns.get(index)
            text = row[label_index] if label_index is not None and label_index < len(row) else ""
            labels = [cells.contact_label(t) for t in cells.split_values(text)]
            if len(labels) != len(values):
                fallback = labels[0] if len(labels) == 1 else self.header_labels[index]
                labels = [fallback] * len(values)
            yield self.headers[index], list(zip(values, labels, strict=True))

    def _contacts(self, row: list[str], prepared: PreparedRow, errors: list[str]) -> None:
        seen: set[tuple[str, str]] = set()
        for kind in self.contact_kinds:
            for column, values in self._contact_cells(row, kind):
                labelled = values
                if kind in ("email", "phone", "whatsapp"):
                    split = SPLIT_EMAILS if kind == "email" else SPLIT_PHONES
                    labelled = [(p, label) for value, label in values for p in split.split(value)]
                for piece, label in ((p.strip(), label) for p, label in labelled):
                    if not piece:
                        continue
                    rewritten = ""
                    try:
                        if kind in (ContactKind.PHONE, ContactKind.WHATSAPP):
                            reading = read_phone(piece)
                            normalised, rewritten = reading.e164, reading.note()
                        else:
                            normalised = normalise_contact_value(kind, piece)
                    except ValidationError as error:
                        messages = (
                            error.message_dict.get("value")
                            if hasattr(error, "error_dict")
                            else error.messages
                        )
                        if len(piece) > 500:
                            errors.append(_("%(field)s: too long.") % {"field": self.label(kind)})
                        else:
                            # Kept as typed on the record, not as a contact point: no channel
                            # can reach it and no match may be made on it.
                            reason = " ".join(messages or error.messages)
                            self._keep_as_typed(prepared, kind, column, piece, reason)
                        continue
                    if len(piece) > 500:
                        errors.append(_("%(field)s: too long.") % {"field": self.label(kind)})
                        continue
                    if (kind, normalised) not in seen:
                        seen.add((kind, normalised))
                        contact = {"kind": kind, "value": piece, "value_normalized": normalised}
                        if label:
                            contact["label"] = label
                        prepared.contacts.append(contact)
                        if rewritten:  # an old-plan number, kept as typed in `value`
                            prepared.notices.append(
                                {
                                    "field": kind,
                                    "column": column,
                                    "value": piece,
                                    "reason": rewritten,
                                    "kind": NoticeKind.REWRITTEN,
                                }
                            )
        if not self.has_address:
            return
        address = {name: self._value(row, name) for name in ADDRESS_TARGETS}
        if any(address.values()):
            country = address["country"].upper()
            country = COUNTRY_CODES.get(country.lower(), country)
            if country and not (len(country) == 2 and country.isalpha()):
                errors.append(
                    _("Country: use the two-letter code, e.g. NG (not “%(value)s”).")
                    % {"value": address["country"]}
                )
            address["country"] = country
            limits = {"street": 255, "city": 100, "state": 100, "postal_code": 20}
            for name, limit in limits.items():
                if len(address[name]) > limit:
                    errors.append(
                        _("%(field)s: at most %(limit)d characters (this one has %(length)d).")
                        % {"field": self.label(name), "limit": limit, "length": len(address[name])}
                    )
            value = ", ".join(address[name] for name in ADDRESS_TARGETS if address[name])[:500]
            prepared.contacts.append(
                {
                    "kind": ContactKind.ADDRESS,
                    "value": value,
                    "value_normalized": normalise_contact_value(ContactKind.ADDRESS, value),
                    **address,
                }
            )

    def _custom_fields(self, row: list[str], prepared: PreparedRow, errors: list[str]) -> None:
        for target in self.custom_targets:
            key = target[3:]
            value = self._value(row, target)
            definition = self.definitions.get(key)
            if not value or definition is None:
                continue
            if self.decimal_comma and definition.field_type in ("number", "integer"):
                value = cells.decimal_comma(value)
            try:
                prepared.custom_fields[key] = coerce_custom_value(definition, value)
            except ValidationError as error:
                errors.append(
                    _("%(field)s: “%(value)s” — %(reason)s")
                    % {
                        "field": definition.label,
                        "value": value[:80],
                        "reason": " ".join(error.messages),
                    }
                )
