"""What a batch of an import will write, worked out before its turn to write comes.

A large import on PostgreSQL writes its batches one after another on one connection; while
PostgreSQL stores one batch (COPY, index upkeep), the next batch is staged on another
connection: the records its rows match are read, its rows are sorted into new, matched and
rejected, and the COPY lines of its new records are finished with ids from the tables'
sequences. Writing a staged batch is then mostly PostgreSQL's work (`BatchWriter.write`).

Staging ahead is safe because a batch's matches cannot be records an earlier batch of the same
file creates: a repeated external id, or a repeated email when matching by email, is rejected
before any batch is written (`RepeatedRows`). What an earlier batch may change is a record both
batches match: the writer re-reads matched records and stages the batch again when one changed
(its `version` moved) after staging.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from centric.imports.services import bulk
from centric.imports.services.outcome import NewRecord, Outcome
from centric.imports.services.rows import NewRowText, PreparedRow


@dataclass
class NewRowLines:
    """The COPY lines of a batch's new records, their history rows and contact points."""

    records: list[str] = field(default_factory=list)
    histories: list[str] = field(default_factory=list)
    points: list[str] = field(default_factory=list)
    point_histories: list[str] = field(default_factory=list)

    def copy(self, text: NewRowText) -> None:
        """COPY the lines on this thread's connection (inside the batch's transaction)."""
        bulk.copy_lines(text.record.table, text.record.columns, self.records)
        bulk.copy_lines(
            text.history.table, [*text.history.columns, *bulk.HISTORY_COLUMNS], self.histories
        )
        bulk.copy_lines(text.point.table, text.point.columns, self.points)
        bulk.copy_lines(
            text.point_history.table,
            [*text.point_history.columns, *bulk.HISTORY_COLUMNS],
            self.point_histories,
        )


@dataclass
class StagedBatch:
    """A batch sorted into what it creates, what it updates and what it rejects."""

    rows: list[PreparedRow]
    now: dt.datetime
    organisations: list[PreparedRow] = field(default_factory=list)
    new: list[tuple[PreparedRow, NewRecord]] = field(default_factory=list)
    matched: list[tuple[PreparedRow, Any]] = field(default_factory=list)
    # Rejections found while staging (the written rows are noted when the batch is written).
    outcome: Outcome = field(default_factory=Outcome)
    # The new records as finished COPY lines (PostgreSQL, every row formatted by a worker).
    lines: NewRowLines | None = None
    preformatted: bool = False
    # Staged on another connection than the one writing it: its matches are re-read then.
    ahead: bool = False


def new_row_lines(
    text: NewRowText,
    new: list[tuple[PreparedRow, NewRecord]],
    now: dt.datetime,
    *,
    reason: str,
    actor: Any,
) -> NewRowLines:
    """New records whose COPY text the preparing workers formatted (`NewRowText`): only the
    leading columns — ids, owner and team, time stamps — are added here. The ids come from the
    tables' sequences, which any connection may draw on."""
    ids = bulk.allocate_ids(text.record.layout.model, len(new))
    point_ids = iter(
        bulk.allocate_ids(
            text.point.layout.model,
            sum(len(row.copy_text[2]) for row, _o in new if row.copy_text),
        )
    )
    stamp = bulk.copy_cell(now)
    tail = bulk.history_tail(date=now, reason=reason, user=actor)
    cell = bulk.copy_cell
    # "owner\tteam\tcreated_at" of a row: most rows of a file share one owner.
    owners: dict[tuple[Any, Any], str] = {}
    lines = NewRowLines()
    for (row, obj), pk in zip(new, ids, strict=True):
        values = obj.values
        values["id"] = pk
        assert row.copy_text is not None  # preformatted: every new row has its text
        record, history, contacts = row.copy_text
        owner = (values["owner_id"], values["team_id"])
        stamped = owners.get(owner)
        if stamped is None:
            stamped = owners[owner] = f"{cell(owner[0])}\t{cell(owner[1])}\t{stamp}"
        lines.records.append(f"{pk}\t{stamped}\t{stamp}\t{record}")
        lines.histories.append(f"{pk}\t{stamped}\t{history}{tail}")
        if contacts:
            lead = f"\t{pk}\t{stamp}\t"
            for point, point_history in contacts:
                point_pk = next(point_ids)
                lines.points.append(f"{point_pk}{lead}{stamp}\t{point}")
                lines.point_histories.append(f"{point_pk}{lead}{point_history}{tail}")
    return lines
