"""The labels of contact points a record already has (decision 0062): a file's row that carries
a number or an address the record holds (the same normalised value, phone and WhatsApp alike)
never adds it again, but its label ("Work", "Mobile", "WhatsApp Business") fills the stored
point's blank label; a contact column set to overwrite replaces a label that differs — unless
a member of staff set that label after the file's rows were made: it is kept and reported, as a
later edit of a field is (decision 0064), unless the user asked to overwrite later edits too.

The writer applies these decisions and the mapping page's preview shows them, from the same
function, so what the preview says is what the import does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from centric.customers.models import ContactPoint
from centric.imports.services import bulk
from centric.imports.services.rows import PreparedRow
from centric.imports.services.updates import BatchUpdates, Decision, StaffEdit, channel_family

# (channel family, normalised value) → (point id, its kind, its label), per record id.
StoredPoints = dict[int, dict[tuple[str, str], tuple[int, str, str]]]


@dataclass(frozen=True)
class LabelDecision:
    """What a row does to the label of one contact point its record already has."""

    point_id: int
    kind: str
    value: str
    current: str
    incoming: str
    # "write", "same", "kept_not_blank" (the stored label stands: its column fills blanks) or
    # "kept_edited" (staff set the label after the row was made).
    action: str
    edit: StaffEdit | None = None

    def as_decision(self) -> Decision:
        """As a field's decision, for the report's notice of a kept edit."""
        return Decision("contact_label", "", self.current, self.incoming, self.action, self.edit)


def stored_points(owner_attr: str, record_ids: Iterable[int]) -> StoredPoints:
    """The contact points of these records, by what makes two the same."""
    owner = f"{owner_attr}_id"
    stored: StoredPoints = {}
    rows = ContactPoint.objects.filter(**{f"{owner}__in": list(record_ids)}).values_list(
        owner, "id", "kind", "value_normalized", "label"
    )
    for owner_id, point_id, kind, normalised, label in rows.order_by("id"):
        key = (channel_family(kind), normalised)
        stored.setdefault(owner_id, {}).setdefault(key, (point_id, kind, label))
    return stored


def label_edits(stored: StoredPoints, since: dt.datetime | None) -> dict[int, StaffEdit]:
    """Point id → the staff edit that set the label each point holds now, for the points
    changed after `since` (read from their history as `UpdateRules.edits_for` reads fields)."""
    ids = [point_id for points in stored.values() for point_id, _kind, _label in points.values()]
    if since is None or not ids:
        return {}
    changed = ContactPoint.objects.filter(pk__in=ids, updated_at__gt=since).values_list(
        "pk", flat=True
    )
    rows = (
        ContactPoint.history.filter(id__in=list(changed))
        .order_by("id", "history_date", "history_id")
        .values_list("id", "label", "history_user_id", "history_change_reason", "history_date")
    )
    edits: dict[int, StaffEdit] = {}
    previous: tuple[int, str] | None = None
    for point_id, label, user_id, reason, date in rows:
        if previous is None or previous[0] != point_id:
            previous = (point_id, "")
        if label != previous[1]:
            if user_id is not None and not reason:
                edits[point_id] = StaffEdit(user_id, date)
            else:
                edits.pop(point_id, None)
        previous = (point_id, label)
    return edits


def label_decisions(
    row: PreparedRow,
    stored: dict[tuple[str, str], tuple[int, str, str]],
    updates: BatchUpdates,
) -> list[LabelDecision]:
    """For each labelled value of the row that the record already has, what happens to its
    label; a point the row names twice (as a phone and as WhatsApp) is decided once."""
    rules = updates.rules
    made_at = updates.made_at.get(row.line)
    decisions: list[LabelDecision] = []
    decided: set[int] = set()
    for contact in row.contacts:
        incoming = contact.get("label", "")
        point = stored.get((channel_family(contact["kind"]), contact["value_normalized"]))
        if not incoming or point is None or point[0] in decided:
            continue
        point_id, kind, current = point
        decided.add(point_id)
        edit = updates.label_edits.get(point_id)
        if current == incoming:
            action = "same"
        elif not current:
            action = "write"
        elif contact["kind"] not in rules.overwriting_labels:
            action = "kept_not_blank"
        elif (
            edit is not None
            and made_at is not None
            and edit.at > made_at
            and not rules.overwrite_later_edits
        ):
            action = "kept_edited"
        else:
            action = "write"
        shown = contact["value"] if kind == "address" else contact["value_normalized"]
        decisions.append(
            LabelDecision(
                point_id,
                kind,
                shown,
                current,
                incoming,
                action,
                edit if action == "kept_edited" else None,
            )
        )
    return decisions


def labels_write(
    decisions: list[LabelDecision], *, user: Any, reason: str, now: dt.datetime
) -> None:
    """Store the labels the decisions write, with a history row each (one query per batch)."""
    labels = {d.point_id: d.incoming for d in decisions if d.action == "write"}
    if not labels:
        return
    points = list(ContactPoint.objects.filter(pk__in=labels).order_by("pk"))
    for point in points:
        point.label = labels[point.pk]
        point.updated_at = now
    ContactPoint.objects.bulk_update(points, ["label", "updated_at"])
    bulk.insert_history(ContactPoint, points, update=True, user=user, reason=reason, date=now)


def label_fill(
    stored: ContactPoint, given: dict[str, Any], overwriting: frozenset[str], *, actor: Any
) -> bool:
    """The one-record path (an organisation from a company's card): the point the customers
    service found or added takes the row's label by the same rule; whether it changed."""
    from centric.customers.services.contact_points import contact_point_update

    incoming = given.get("label", "")
    if not incoming or stored.label == incoming:
        return False
    if stored.label and given["kind"] not in overwriting:
        return False
    contact_point_update(point=stored, actor=actor, label=incoming)
    return True


def label_change(decision: LabelDecision, why: str, edited_by: str = "") -> dict[str, Any]:
    """A label decision as one of the preview's field-by-field changes."""
    return {
        "field": "contact_label",
        "label": _("Label of %(value)s") % {"value": decision.value},
        "column": "",
        "current": decision.current,
        "incoming": decision.incoming,
        "action": decision.action,
        "why": why,
        "edited_by": edited_by,
        "edited_at": decision.edit.at if decision.edit else None,
    }
