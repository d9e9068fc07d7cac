"""Vectorised comparison of candidate pairs into agreement levels."""

from __future__ import annotations

import re

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler, Levenshtein

from centric.identity.matching.settings import Comparison
from centric.identity.matching.text import phone_tail

MISSING = 0
_DIGITS = re.compile(r"\d")


def _similarity(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    if len(left) == 0:
        return np.zeros(0)
    return process.cpdist(
        list(left), list(right), scorer=JaroWinkler.normalized_similarity, workers=-1
    )


def _distance(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    if len(left) == 0:
        return np.zeros(0, dtype=np.int32)
    return process.cpdist(list(left), list(right), scorer=Levenshtein.distance, workers=-1)


def _missing(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return (left == "") | (right == "")


def compare(
    comparison: Comparison, left: np.ndarray, right: np.ndarray, extra: dict | None = None
) -> np.ndarray:
    """Agreement level per pair (0 = missing, 1 = best, last = different)."""
    kind = comparison.kind
    if kind in ("phone", "email"):
        return _compare_multi(comparison, left, right)
    n = len(left)
    worst = comparison.level_count - 1
    levels = np.full(n, worst, dtype=np.int8)
    missing = _missing(left, right)
    exact = (left == right) & ~missing
    if kind == "exact":
        levels[exact] = 1
    elif kind in ("jaro_winkler", "first_name"):
        similarity = _similarity(left, right)
        offset = 4 if kind == "first_name" else 2
        for index in range(len(comparison.thresholds) - 1, -1, -1):
            levels[similarity >= comparison.thresholds[index]] = offset + index
        if kind == "first_name":
            canonical_left, canonical_right = extra["canonical_left"], extra["canonical_right"]
            initial = np.array(
                [
                    (len(a) == 1 or len(b) == 1) and (a[:1] == b[:1] or ca[:1] == cb[:1])
                    for a, b, ca, cb in zip(
                        left, right, canonical_left, canonical_right, strict=True
                    )
                ],
                dtype=bool,
            )
            levels[initial & ~missing] = 3
            levels[(canonical_left == canonical_right) & ~missing] = 2
        levels[exact] = 1
    elif kind == "levenshtein":
        distance = _distance(left, right)
        for index in range(len(comparison.thresholds) - 1, -1, -1):
            levels[distance <= comparison.thresholds[index]] = 2 + index
        levels[exact] = 1
    elif kind == "date":
        distance = _distance(left, right)
        swapped = np.array(
            [
                a[:4] == b[:4] and a[4:6] == b[6:8] and a[6:8] == b[4:6]
                for a, b in zip(left, right, strict=True)
            ],
            dtype=bool,
        )
        same_year = np.array([a[:4] == b[:4] for a, b in zip(left, right, strict=True)], dtype=bool)
        levels[same_year] = 4
        levels[distance <= 1] = 3
        levels[swapped] = 2
        levels[exact] = 1
    else:  # pragma: no cover
        raise ValueError(kind)
    levels[missing] = MISSING
    return levels


def _compare_multi(comparison: Comparison, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Phones and emails: a person has several; any agreeing pair counts."""
    levels = np.empty(len(left), dtype=np.int8)
    worst = comparison.level_count - 1
    for index, (a, b) in enumerate(zip(left, right, strict=True)):
        if not a or not b:
            levels[index] = MISSING
            continue
        if set(a) & set(b):
            levels[index] = 1
            continue
        if comparison.kind == "phone":
            tails_a = {phone_tail(v) for v in a} - {""}
            levels[index] = 2 if tails_a & ({phone_tail(v) for v in b} - {""}) else worst
        else:
            levels[index] = 2 if any(_email_typo(x, y) for x in a for y in b) else worst
    return levels


def _email_typo(left: str, right: str) -> bool:
    """Same mailbox with a slip: gmial.com for gmail.com, or a one-letter slip in the local part."""
    local_a, _, domain_a = left.partition("@")
    local_b, _, domain_b = right.partition("@")
    if local_a == local_b:
        return Levenshtein.distance(domain_a, domain_b) <= 2
    if domain_a == domain_b and min(len(local_a), len(local_b)) >= 5:
        # "ngozi.eze1" and "ngozi.eze2" are two mailboxes, not a slip: digits must agree.
        return Levenshtein.distance(local_a, local_b) <= 1 and _DIGITS.sub(
            "", local_a
        ) != _DIGITS.sub("", local_b)
    return False
