"""The mapping page's preview of updates: for a row that matches an existing record, each value
it names as the record holds it now and as the file has it, and what the import will do — asked
of the import's own writer (`BatchWriter`), so the preview and the import agree."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from centric.imports.services.labels import (
    label_change,
    label_decisions,
    label_edits,
    stored_points,
)
from centric.imports.services.rows import PreparedRow, RowPreparer
from centric.imports.services.updates import channel_family
from centric.imports.services.writer import MATCHES_UNCHANGEABLE, BatchWriter

# A record field and the target whose label names it on the page.
_TARGET_OF = {"lifecycle_stage_id": "lifecycle_stage", "owner_id": "owner", "team_id": "team"}


def _why(action: str) -> str:
    return {
        "write": _("Will change"),
        "same": _("Already so"),
        "kept_not_blank": _("Kept: this column fills blanks only"),
        "kept_edited": _("Kept: edited after the file was made"),
    }[action]


def preview_updates(
    writer: BatchWriter, preparer: RowPreparer, ready: list[tuple[PreparedRow, dict[str, Any]]]
) -> None:
    """Add to each preview item (`ready`: rows that would be written) the record it updates
    (`match`), its field-by-field `changes`, and the contact points it adds or already finds;
    a row the import would reject gets its reason as `error`."""
    rows = [row for row, _item in ready if not row.is_organisation]
    if not rows:
        return
    by_external, by_email, objects, seen, allowed = writer._matches(rows)
    matched: list[tuple[PreparedRow, Any, dict[str, Any]]] = []
    claimed: dict[int, int] = {}
    for row, item in ready:
        if row.is_organisation:
            continue
        target, reason = writer._target(row, by_external, by_email, objects, seen)
        if reason:
            item["error"] = reason
            continue
        if target is None:
            item["match"] = None
            continue
        if allowed is not None and target.pk not in allowed:
            item["error"] = str(MATCHES_UNCHANGEABLE)
            continue
        if target.pk in claimed:
            item["error"] = _("It matches the same record as line %(line)d.") % {
                "line": claimed[target.pk]
            }
            continue
        claimed[target.pk] = row.line
        matched.append((row, target, item))
    if not matched:
        return
    writer.updates.load([(row, obj) for row, obj, _item in matched])
    points = stored_points(writer.owner_attr, [obj.pk for _row, obj, _item in matched])
    if writer.updates.rules.overwriting_labels:
        writer.updates.load_label_edits(label_edits(points, writer.updates.earliest))
    for row, obj, item in matched:
        item["match"] = {"id": obj.pk, "name": str(obj)}
        changes = []
        for decision in writer.updates.decisions(row, obj):
            name = decision.field
            target = _TARGET_OF.get(name, name)
            changes.append(
                {
                    "field": name,
                    "label": preparer.label(target),
                    "column": decision.column,
                    "current": writer.updates.label_of(name, decision.current),
                    "incoming": writer.updates.label_of(name, decision.incoming),
                    "action": decision.action,
                    "why": _why(decision.action),
                    "edited_by": (
                        writer.updates.rules.user_names.get(decision.edit.user_id, "")
                        if decision.edit
                        else ""
                    ),
                    "edited_at": decision.edit.at if decision.edit else None,
                }
            )
        stored = points.get(obj.pk, {})
        changes.extend(
            label_change(
                decision,
                _why(decision.action),
                writer.updates.rules.user_names.get(decision.edit.user_id, "")
                if decision.edit
                else "",
            )
            for decision in label_decisions(row, stored, writer.updates)
        )
        item["changes"] = changes
        have = {key: kind for key, (_id, kind, _label) in stored.items()}
        added, found = [], []
        for contact in row.contacts:
            key = (channel_family(contact["kind"]), contact["value_normalized"])
            # An address reads best as written; a number or an email as it is stored.
            text = contact["value"] if contact["kind"] == "address" else key[1]
            if key in have:
                found.append(
                    _("%(value)s (already there as %(kind)s)") % {"value": text, "kind": have[key]}
                )
            else:
                added.append(text)
        item["adds"] = added
        item["already_there"] = found
