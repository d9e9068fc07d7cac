"""RecordTable: records as columns of prepared strings, the form every comparison reads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass
class RecordTable:
    """Aligned columns. Single values are str ('' when missing); multi-values are tuples of str.

    `source` distinguishes the two files of a linkage task (pairs are formed only across sources);
    for deduplication every record has source 0.
    """

    ids: np.ndarray
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    source: np.ndarray | None = None
    # Derived arrays (value codes, exploded multi-values) computed once per table and column.
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[dict],
        *,
        id_column: str,
        columns: Sequence[str],
        multi: Sequence[str] = (),
        source: Sequence[int] | None = None,
    ) -> RecordTable:
        rows = list(rows)
        ids = np.array([row[id_column] for row in rows], dtype=object)
        data: dict[str, np.ndarray] = {}
        for name in columns:
            if name in multi:
                values = [tuple(v for v in (row.get(name) or ()) if v) for row in rows]
                array = np.empty(len(values), dtype=object)
                array[:] = values
            else:
                array = np.array([_text(row.get(name)) for row in rows], dtype=object)
            data[name] = array
        src = np.asarray(source, dtype=np.int8) if source is not None else None
        return cls(ids=ids, columns=data, source=src)

    @classmethod
    def concat(cls, tables: Sequence[RecordTable]) -> RecordTable:
        """Join tables for linkage; table i gets source i."""
        names = list(tables[0].columns)
        ids = np.concatenate([t.ids for t in tables])
        columns = {name: np.concatenate([t.columns[name] for t in tables]) for name in names}
        source = np.concatenate([np.full(len(t), i, dtype=np.int8) for i, t in enumerate(tables)])
        return cls(ids=ids, columns=columns, source=source)

    def derive(self, name: str, function) -> np.ndarray:
        """Add (or return) a column computed from the others, e.g. a canonical first name."""
        if name not in self.columns:
            values = [function(i) for i in range(len(self))]
            array = np.empty(len(values), dtype=object)
            array[:] = values
            self.columns[name] = array
        return self.columns[name]


def factorize(values) -> tuple[np.ndarray, list]:
    """Integer codes for hashable values (first seen, first code) and the distinct values.

    int32: a million-row table has far fewer than 2**31 distinct values, and candidate-pair
    arrays of codes are the largest thing the matcher holds."""
    lookup: dict = {}
    codes = np.fromiter(
        (lookup.setdefault(v, len(lookup)) for v in values), dtype=np.int32, count=len(values)
    )
    return codes, list(lookup)


@dataclass
class MultiValues:
    """A multi-valued column exploded: record i holds codes[offsets[i]:offsets[i + 1]] (each once)."""

    offsets: np.ndarray
    codes: np.ndarray
    values: list[str]

    @classmethod
    def build(cls, column, transform=None) -> MultiValues:
        lookup: dict[str, int] = {}
        lengths = np.zeros(len(column), dtype=np.int64)
        codes: list[int] = []
        for index, items in enumerate(column):
            if not items:
                continue
            seen = set()
            for item in items:
                value = transform(item) if transform is not None else item
                if value and value not in seen:
                    seen.add(value)
                    codes.append(lookup.setdefault(value, len(lookup)))
            lengths[index] = len(seen)
        offsets = np.zeros(len(column) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        return cls(offsets=offsets, codes=np.asarray(codes, dtype=np.int32), values=list(lookup))

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def explode(self, records: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position in `records`, value code) for every value of every listed record."""
        starts = self.offsets[records]
        lengths = self.offsets[records + 1] - starts
        return _explode(starts, lengths, self.codes)

    def counts(self) -> np.ndarray:
        """How many records hold each value."""
        return np.bincount(self.codes, minlength=len(self.values))


def _explode(starts: np.ndarray, lengths: np.ndarray, codes: np.ndarray):
    owner = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    ends = np.cumsum(lengths)
    within = np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64) - np.repeat(
        ends - lengths, lengths
    )
    return owner, codes[np.repeat(starts, lengths) + within]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN from pandas
        return ""
    return str(value).strip()
