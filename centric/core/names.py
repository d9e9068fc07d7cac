"""Name families: the nicknames and short forms people go by ("Emeka" for "Chukwuemeka",
"Tunde" for "Babatunde"), shared by duplicate matching and the search box.

The list is an editable CSV, one family per row, canonical form first (`nicknames.csv` beside
this module); a business points CENTRIC_NICKNAMES_FILE at its own copy. A name may belong to
several families ("Bola": Bolanle, Adebola).
"""

from __future__ import annotations

import csv
import os
import re
from functools import lru_cache
from pathlib import Path

from centric.core.normalise import fold_text

NICKNAMES_FILE = Path(__file__).with_name("nicknames.csv")
_NON_LETTER = re.compile(r"[^a-z]+")


def fold_name(text: str | None) -> str:
    """A name as letters only: "O'Neil-Smith" -> "oneilsmith" (spacing and hyphens vary)."""
    return _NON_LETTER.sub("", fold_text(text or ""))


def nicknames_path() -> str:
    return os.environ.get("CENTRIC_NICKNAMES_FILE") or str(NICKNAMES_FILE)


@lru_cache(maxsize=4)
def name_families(path: str) -> tuple[tuple[str, ...], ...]:
    """The families of the CSV at `path`, each folded, canonical form first."""
    families = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            if row and row[0].lstrip().startswith("#"):
                continue
            names = tuple(name for name in (fold_name(cell) for cell in row) if name)
            if names:
                families.append(names)
    return tuple(families)


def name_variants(name: str, path: str | None = None) -> list[str]:
    """The other names of every family `name` belongs to ("tunde" -> ["babatunde", …])."""
    folded = fold_name(name)
    found: list[str] = []
    for family in name_families(path or nicknames_path()):
        if folded in family:
            found += [other for other in family if other != folded and other not in found]
    return found
