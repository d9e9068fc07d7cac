"""Text normalisation for matching: folding, nicknames, organisation suffixes, dates."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from centric.core.names import name_families, nicknames_path
from centric.core.normalise import SUPERSEDED_NUMBERING_PLANS

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_NON_LETTER = re.compile(r"[^a-z]+")

ORGANISATION_SUFFIXES = {
    "ltd",
    "limited",
    "plc",
    "nig",
    "nigeria",
    "ng",
    "co",
    "company",
    "inc",
    "incorporated",
    "llc",
    "llp",
    "enterprise",
    "enterprises",
    "ent",
    "intl",
    "international",
    "the",
    "and",
    "of",
    "gmbh",
    "sa",
    "bv",
}


def fold(text: str | None) -> str:
    """Lower-case ASCII with accents removed and punctuation turned into single spaces."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    ascii_text = (
        "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        .encode("ascii", "ignore")
        .decode()
    )
    return " ".join(_NON_ALNUM.sub(" ", ascii_text.lower()).split())


def fold_name(text: str | None) -> str:
    """A name as letters only: "O'Neil-Smith" -> "oneilsmith" (spacing and hyphens vary in practice)."""
    return _NON_LETTER.sub("", fold(text))


@lru_cache(maxsize=4)
def nickname_map(path: str | None = None) -> dict[str, str]:
    """variant -> canonical form, from an editable CSV: one row per name family, canonical first.

    The business's own list: CENTRIC_NICKNAMES_FILE names a CSV of the same shape, read instead
    of the one shipped beside this module.
    """
    mapping: dict[str, str] = {}
    for names in name_families(path or nicknames_path()):
        for name in names:
            mapping.setdefault(name, names[0])
    return mapping


def canonical_first_name(name: str, mapping: dict[str, str] | None = None) -> str:
    folded = fold_name(name)
    return (mapping if mapping is not None else nickname_map()).get(folded, folded)


def organisation_key(name: str | None) -> str:
    """An organisation name without legal suffixes: "Balogun Traders Nig. Ltd" -> "balogun traders"."""
    words = [w for w in fold(name).split() if w not in ORGANISATION_SUFFIXES]
    return " ".join(words)


def date_digits(value: object) -> str:
    """A date as YYYYMMDD digits ('' when unknown): accepts date objects, ISO strings, YYYYMMDD."""
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y%m%d")
    digits = re.sub(r"\D", "", str(value))
    return digits if len(digits) == 8 else ""


def phone_tail(e164: str, digits: int = 9) -> str:
    """The last digits of a phone, to match numbers written without their country code."""
    only = re.sub(r"\D", "", e164 or "")
    return only[-digits:] if len(only) >= digits else ""


def current_plan_phone(e164: str) -> str:
    """An E.164 number stored before its country's numbering plan changed, in today's plan.

    Records saved before 1 January 2024 hold Lagos landlines as +234 1 285 2651; new ones hold
    +234 201 285 2651 (core.normalise rewrites what is typed now). Both must be one number to
    the matcher, or a customer's old and new records share no phone. Plain string work, from
    the same table of plan changes the importer reads.
    """
    if not e164.startswith("+"):
        return e164
    for change in SUPERSEDED_NUMBERING_PLANS:
        prefix = f"+{change.country_code}"
        if e164.startswith(prefix):
            current = change.rewrite(e164[len(prefix) :])
            if current is not None:
                return prefix + current
    return e164
