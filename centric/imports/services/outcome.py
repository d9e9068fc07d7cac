"""What writing a batch of an import came to (`Outcome`), and a record the batch creates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from centric.imports.services.rows import PreparedRow


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[tuple[int, str, list[str]]] = field(default_factory=list)
    # Rows written with a value kept as typed (needing attention), and the notices of the
    # rows written: {"line", "column", "value", "reason", "kind"}.
    flagged: int = 0
    notices: list[dict[str, Any]] = field(default_factory=list)

    def reject(self, row: PreparedRow, reason: str) -> None:
        self.rejections.append((row.line, reason, row.raw))

    def written(self, row: PreparedRow) -> None:
        """Note what the report says of a row that is written (created or updated)."""
        if row.notices:
            self.notices.extend({"line": row.line, **notice} for notice in row.notices)
            if row.needs_attention:
                self.flagged += 1

    def merge(self, other: Outcome) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejections.extend(other.rejections)
        self.flagged += other.flagged
        self.notices.extend(other.notices)


class NewRecord:
    """A record the batch creates, as its attribute values (no model instance is built for it)."""

    __slots__ = ("values",)

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    @property
    def pk(self) -> int:
        pk: int = self.values["id"]
        return pk
