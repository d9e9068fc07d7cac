"""What a row does to a record that already exists (decision 0064).

Each mapped column either fills blanks only (the default) or overwrites; and a value a member
of staff edited after the file's rows were made is kept, and reported, unless the user asked to
overwrite later edits too. The writer (`BatchWriter._apply`) and the mapping page's preview both
ask `UpdateRules`, so what the preview says is what the import does.

"When the rows were made" is, per row, the file's last-modified column when one is mapped (HubSpot
"Last Modified Date", Salesforce "LastModifiedDate"), else the job's `rows_made_at` (the uploaded
file's own last-modified time, or the user's correction), else when the file was uploaded.
"Edited by staff" is read from the record's history the way the merge form reads it: a history
row with a user and no change reason (imports and merges name themselves in the reason).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from centric.customers.choices import ConsentMethod, ConsentStatus, ContactKind
from centric.customers.models import Consent
from centric.imports.fields import CONTACT_TARGETS
from centric.imports.models import ColumnPolicy, RecordType
from centric.imports.services.rows import PreparedRow

# Columns whose values are added beside what the record has (never replacing it), so they take
# no policy: contact points, the address, tags, memberships. An external id only fills a blank.
ADDITIVE_TARGETS = frozenset(
    {
        "email",
        "phone",
        "whatsapp",
        "website",
        "social",
        "street",
        "city",
        "state",
        "postal_code",
        "country",
        "tags",
        "organisation",
        "external_id",
        "last_modified",
    }
)
NAME_FIELDS = ("first_name", "middle_name", "last_name")
# Computed by RowPreparer for new records; for existing ones they follow from what changed.
DENORMALISED = {"search_name", "primary_email", "primary_phone"}
# Phone-like kinds share numbers: a number stored as WhatsApp is the same number as a phone.
CHANNEL_FAMILIES: dict[str, str] = {ContactKind.PHONE: "phone", ContactKind.WHATSAPP: "phone"}


def channel_family(kind: str) -> str:
    """Contact kinds whose values are the same thing when equal (phone and WhatsApp numbers)."""
    return CHANNEL_FAMILIES.get(kind, kind)


def fields_of_target(target: str, *, has_team_column: bool = False) -> tuple[str, ...]:
    """The record's values a column mapped to `target` sets ("cf.key" for a custom field,
    "role" for the membership's role, "consent.purpose" for a consent)."""
    if target == "full_name":
        return NAME_FIELDS
    if target == "lifecycle_stage":
        return ("lifecycle_stage_id",)
    if target == "owner":
        # Without a team column the team follows the owner the row names.
        return ("owner_id",) if has_team_column else ("owner_id", "team_id")
    if target == "team":
        return ("team_id",)
    if target.startswith(("consent.", "optout.")):
        return ("consent." + target.split(".", 1)[1],)
    if target in ADDITIVE_TARGETS:
        return ()
    return (target,)


def takes_policy(target: str) -> bool:
    """Whether a column mapped to `target` may overwrite (or only fill blanks). A contact
    column adds its values either way; its policy is that of the labels it gives the values a
    record already has (decision 0062)."""
    return bool(target) and (bool(fields_of_target(target)) or target in CONTACT_TARGETS)


def clean_policies(
    policies: dict[str, str], mapping: dict[str, str], headers: Iterable[str]
) -> dict[str, str]:
    """The policies of the mapped columns that take one (a column not named fills blanks);
    an unknown column or policy is an error naming it."""
    from django.core.exceptions import ValidationError

    known = set(headers)
    errors: list[str] = []
    cleaned: dict[str, str] = {}
    lowered = {h.lower(): h for h in known}
    for column, policy in (policies or {}).items():
        header = column if column in known else lowered.get(column.strip().lower())
        if header is None:
            errors.append(_("The file has no column “%(column)s”.") % {"column": column})
            continue
        if policy not in ColumnPolicy.values:
            errors.append(
                _("“%(policy)s” is not a choice for %(column)s: use fill_blanks or overwrite.")
                % {"policy": policy, "column": header}
            )
            continue
        target = mapping.get(header, "")
        if policy == ColumnPolicy.OVERWRITE and not takes_policy(target):
            errors.append(
                _("The column “%(column)s” adds values beside the record's and cannot overwrite.")
                % {"column": header}
                if target
                else _("The column “%(column)s” is not imported.") % {"column": header}
            )
            continue
        if takes_policy(target):
            cleaned[header] = policy
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- when the rows were made ---------------------------------------------------------------

_MODIFIED_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%m/%d/%Y %I:%M %p",
)
_FRACTION = re.compile(r"\.\d+")


def parse_modified(text: str) -> dt.datetime | None:
    """A last-modified cell as exporters write it: HubSpot "2025-03-14 10:22", Salesforce
    "2025-03-14T10:22:05.000Z" or "…+0000", spreadsheets "14/03/2025 10:22". A time without a
    zone is the business's local time. None when the cell is no such time."""
    value = _FRACTION.sub("", text.strip())
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
        for pattern in _MODIFIED_FORMATS:
            try:
                parsed = dt.datetime.strptime(value, pattern)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return parsed


# --- what staff edited ---------------------------------------------------------------------


@dataclass(frozen=True)
class StaffEdit:
    """A member of staff set the value a record holds now, at `at`."""

    user_id: int
    at: dt.datetime


@dataclass(frozen=True)
class Decision:
    """What a row does to one value of an existing record."""

    field: str
    column: str
    current: Any
    incoming: Any
    # "write", "same", "kept_not_blank" (fill-blanks column) or "kept_edited" (a later edit).
    action: str
    edit: StaffEdit | None = None

    @property
    def is_kept(self) -> bool:
        return self.action in ("kept_not_blank", "kept_edited")


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


class UpdateRules:
    """The policy of each record value a row may set, and the staff edits that protect values.

    `edits_for` reads the history of a batch's matched records once; `decide` is then pure."""

    def __init__(
        self,
        *,
        record_type: str,
        headers: list[str],
        mapping: dict[str, str],
        policies: dict[str, str] | None = None,
        rows_made_at: dt.datetime | None = None,
        overwrite_later_edits: bool = False,
    ) -> None:
        self.record_type = record_type
        self.is_people = record_type == RecordType.PEOPLE
        self.rows_made_at = rows_made_at
        self.overwrite_later_edits = overwrite_later_edits
        has_team_column = "team" in mapping.values()
        self.policy: dict[str, str] = {}
        self.column: dict[str, str] = {}
        # Contact kinds whose labels the file replaces: a row's contact point does not
        # remember its column, so one overwriting column of a kind decides for the kind.
        self.overwriting_labels: frozenset[str] = frozenset(
            target
            for header, target in mapping.items()
            if target in CONTACT_TARGETS and (policies or {}).get(header) == ColumnPolicy.OVERWRITE
        )
        for header, target in mapping.items():
            for name in fields_of_target(target, has_team_column=has_team_column):
                self.column.setdefault(name, header)
                if (policies or {}).get(header) == ColumnPolicy.OVERWRITE:
                    self.policy[name] = ColumnPolicy.OVERWRITE
        self.modified_index: int | None = next(
            (i for i, h in enumerate(headers) if mapping.get(h) == "last_modified"), None
        )
        self.user_names: dict[int, str] = {}

    def row_time(self, raw: list[str]) -> dt.datetime | None:
        """When this row was made: its last-modified cell, else the file's time."""
        if self.modified_index is not None and self.modified_index < len(raw):
            parsed = parse_modified(raw[self.modified_index])
            if parsed is not None:
                return parsed
        return self.rows_made_at

    def overwrites(self, name: str) -> bool:
        return self.policy.get(name) == ColumnPolicy.OVERWRITE

    # --- history ---

    def edits_for(
        self, records: list[Any], since: dt.datetime | None
    ) -> dict[tuple[int, str], StaffEdit]:
        """(record id, field) → the staff edit that set the value each record holds now, for
        the records changed after `since` (only they can hold a later edit)."""
        if since is None or not records:
            return {}
        model = type(records[0])
        ids = [r.pk for r in records if r.updated_at is None or r.updated_at > since]
        if not ids:
            return {}
        names = [
            name
            for name in {*self.column, *NAME_FIELDS}
            if not name.startswith(("cf.", "consent."))
            and name != "role"
            and _has_attname(model, name)
        ]
        track_custom = any(name.startswith("cf.") for name in self.column)
        columns = ["id", "history_date", "history_user_id", "history_change_reason", *names]
        if track_custom:
            columns.append("custom_fields")
        rows = (
            model.history.filter(id__in=ids)
            .order_by("id", "history_date", "history_id")
            .values(*columns)
        )
        edits: dict[tuple[int, str], StaffEdit] = {}
        previous: dict[str, Any] | None = None
        for row in rows:
            if previous is not None and previous["id"] != row["id"]:
                previous = None
            by_staff = row["history_user_id"] is not None and not row["history_change_reason"]
            changed = [
                name
                for name in names
                if (previous[name] if previous is not None else None) != row[name]
                and not (previous is None and _is_blank(row[name]))
            ]
            if track_custom:
                before = (previous or {}).get("custom_fields") or {}
                after = row.get("custom_fields") or {}
                changed += [
                    f"cf.{key}"
                    for key in set(before) | set(after)
                    if before.get(key) != after.get(key)
                ]
            for name in changed:
                key = (row["id"], name)
                if by_staff:
                    edits[key] = StaffEdit(row["history_user_id"], row["history_date"])
                else:
                    edits.pop(key, None)
            previous = row
        if self.is_people and any(name.startswith("consent.") for name in self.column):
            consents = Consent.objects.filter(
                person_id__in=ids, recorded_by__isnull=False, recorded_at__gt=since
            ).exclude(method=ConsentMethod.IMPORT)
            for consent in consents.values("person_id", "purpose", "recorded_by_id", "recorded_at"):
                edits[(consent["person_id"], f"consent.{consent['purpose']}")] = StaffEdit(
                    consent["recorded_by_id"], consent["recorded_at"]
                )
        self.remember_users({edit.user_id for edit in edits.values()})
        return edits

    def remember_users(self, ids: set[int]) -> None:
        missing = ids - set(self.user_names)
        if not missing:
            return
        for user in get_user_model().objects.filter(pk__in=missing):
            self.user_names[user.pk] = user.get_full_name() or user.get_username()

    # --- deciding ---

    def decide(
        self,
        *,
        record_id: int,
        name: str,
        current: Any,
        incoming: Any,
        made_at: dt.datetime | None,
        edits: dict[tuple[int, str], StaffEdit],
    ) -> Decision:
        column = self.column.get(name, "")
        if current == incoming:
            return Decision(name, column, current, incoming, "same")
        edit = edits.get((record_id, name))
        if (
            edit is not None
            and made_at is not None
            and edit.at > made_at
            and not self.overwrite_later_edits
        ):
            return Decision(name, column, current, incoming, "kept_edited", edit)
        if not _is_blank(current) and not self.overwrites(name):
            return Decision(name, column, current, incoming, "kept_not_blank")
        return Decision(name, column, current, incoming, "write")

    def notice(self, line: int, decision: Decision, shown: dict[str, str]) -> dict[str, Any]:
        """The report's words for a value kept because staff edited it after the file."""
        assert decision.edit is not None  # only kept edits are reported
        when = timezone.localtime(decision.edit.at).strftime("%Y-%m-%d %H:%M")
        return {
            "line": line,
            "field": decision.field,
            "column": decision.column,
            "value": shown["incoming"],
            "reason": _(
                "Kept “%(current)s”, edited by %(user)s on %(date)s; the file had “%(incoming)s”."
            )
            % {
                "current": shown["current"],
                "user": self.user_names.get(decision.edit.user_id, _("a member of staff")),
                "date": when,
                "incoming": shown["incoming"],
            },
            "kind": "kept",
        }


class BatchUpdates:
    """One batch's decisions about the records its rows match: when each row was made and the
    staff edits of those records, read once; then what each row does to each value. The writer
    applies them, the preview shows them."""

    def __init__(self, rules: UpdateRules) -> None:
        self.rules = rules
        # The staff edits of the batch's matched records, and when each row was made.
        self.edits: dict[tuple[int, str], StaffEdit] = {}
        self.made_at: dict[int, dt.datetime | None] = {}
        self.labels: dict[tuple[str, Any], str] = {}
        # Contact point id → the staff edit of its label (`labels.label_edits`).
        self.label_edits: dict[int, StaffEdit] = {}

    def load(self, matched: list[tuple[PreparedRow, Any]]) -> None:
        """Read, once per batch, when each row was made and which values of its record staff
        edited since (the history of the records changed after the earliest row)."""
        self.made_at = {row.line: self.rules.row_time(row.raw) for row, _obj in matched}
        self.edits = self.rules.edits_for([obj for _row, obj in matched], self.earliest)
        self.label_edits = {}

    @property
    def earliest(self) -> dt.datetime | None:
        """When the batch's oldest row was made: edits after it may need keeping."""
        times = [t for t in self.made_at.values() if t is not None]
        return min(times) if times else None

    def load_label_edits(self, edits: dict[int, StaffEdit]) -> None:
        self.label_edits = edits
        self.rules.remember_users({edit.user_id for edit in edits.values()})

    def decisions(self, row: PreparedRow, obj: Any) -> list[Decision]:
        """What the row does to each value of `obj` it names (fields, then custom fields)."""
        made_at = self.made_at.get(row.line)
        result: list[Decision] = []
        for name, value in row.fields.items():
            if value in (None, "") or name in DENORMALISED:
                continue
            result.append(
                self.rules.decide(
                    record_id=obj.pk,
                    name=name,
                    current=getattr(obj, name),
                    incoming=value,
                    made_at=made_at,
                    edits=self.edits,
                )
            )
        current_custom = obj.custom_fields or {}
        for key, value in row.custom_fields.items():
            result.append(
                self.rules.decide(
                    record_id=obj.pk,
                    name=f"cf.{key}",
                    current=current_custom.get(key),
                    incoming=value,
                    made_at=made_at,
                    edits=self.edits,
                )
            )
        return result

    def decide_one(
        self, row: PreparedRow, record_id: int, name: str, current: Any, incoming: Any
    ) -> Decision:
        return self.rules.decide(
            record_id=record_id,
            name=name,
            current=current,
            incoming=incoming,
            made_at=self.made_at.get(row.line),
            edits=self.edits,
        )

    def writes(
        self,
        row: PreparedRow,
        record_id: int,
        name: str,
        current: Any,
        incoming: Any,
        notices: list[dict[str, Any]] | None = None,
    ) -> bool:
        """Whether the row sets this value; a later edit it keeps is added to `notices`. An
        opt-out in the file is honoured even by a fill-blanks column: only a consent staff
        recorded after the file was made stands against it."""
        decision = self.decide_one(row, record_id, name, current, incoming)
        if decision.action == "kept_edited" and notices is not None:
            notices.append(self.kept_notice(row, decision))
        if decision.action == "kept_not_blank" and name.startswith("consent."):
            return bool(incoming == ConsentStatus.WITHDRAWN)
        return decision.action == "write"

    def label_of(self, name: str, value: Any) -> str:
        """A value as people read it: an owner by name, a team by its name."""
        if value in (None, ""):
            return ""
        if name not in ("owner_id", "team_id"):
            return shown(value)
        key = (name, value)
        if key not in self.labels:
            from django.apps import apps
            from django.conf import settings
            from django.contrib.auth import get_user_model

            if name == "owner_id":
                user = get_user_model().objects.filter(pk=value).first()
                self.labels[key] = user.get_username() if user is not None else str(value)
            else:
                team = apps.get_model(settings.CENTRIC_TEAM_MODEL).objects.filter(pk=value).first()
                self.labels[key] = str(team) if team is not None else str(value)
        return self.labels[key]

    def kept_notice(self, row: PreparedRow, decision: Decision) -> dict[str, Any]:
        return self.rules.notice(
            row.line,
            decision,
            {
                "current": self.label_of(decision.field, decision.current),
                "incoming": self.label_of(decision.field, decision.incoming),
            },
        )


def _has_attname(model: type[Any], name: str) -> bool:
    return any(getattr(f, "attname", None) == name for f in model._meta.concrete_fields)


def shown(value: Any) -> str:
    """A value as the preview and the report write it."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
