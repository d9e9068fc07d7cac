"""Vectorised comparison of candidate pairs into agreement levels."""

from __future__ import annotations

import re

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler, Levenshtein

from centric.identity.matching.settings import Comparison
from centric.identity.matching.table import _explode, factorize
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
    if comparison.kind in ("phone", "email"):
        return _compare_multi(comparison, left, right)
    codes, distinct = factorize(np.concatenate([left, right]))
    values = np.empty(len(distinct), dtype=object)
    values[:] = distinct
    blank = distinct.index("") if "" in distinct else -1
    canonical = None
    if comparison.kind == "first_name":
        assert extra is not None  # the matcher passes the canonical first names
        canonical = (extra["canonical_left"], extra["canonical_right"])
    return compare_codes(
        comparison, codes[: len(left)], codes[len(left) :], values, blank, canonical
    )


def compare_codes(
    comparison: Comparison,
    left: np.ndarray,
    right: np.ndarray,
    values: np.ndarray,
    blank: int,
    canonical: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Agreement levels from value codes (`values[code]` is the string, `blank` the code of '').

    Each distinct pair of values is scored once: a candidate-pair list repeats the same pair of
    names, cities and dates many times over. `canonical` is, for first names, the canonical
    (nickname-resolved) form of each side's value, as strings.
    """
    kind = comparison.kind
    n = len(left)
    worst = comparison.level_count - 1
    levels = np.full(n, worst, dtype=np.int8)
    missing = (left == blank) | (right == blank)
    exact = (left == right) & ~missing
    differ = ~missing & ~exact
    if kind == "exact":
        levels[exact] = 1
    elif kind in ("jaro_winkler", "first_name"):
        similarity = pair_scores(left, right, values, _JW, differ, 0.0)
        offset = 4 if kind == "first_name" else 2
        for index in range(len(comparison.thresholds) - 1, -1, -1):
            levels[similarity >= comparison.thresholds[index]] = offset + index
        if kind == "first_name":
            assert canonical is not None  # given for first names (see `compare`)
            canonical_left, canonical_right = canonical
            initial = _initial_agrees(values[left], values[right], canonical_left, canonical_right)
            levels[initial & ~missing] = 3
            levels[(canonical_left == canonical_right) & ~missing] = 2
        levels[exact] = 1
    elif kind == "levenshtein":
        distance = pair_scores(left, right, values, _LEVENSHTEIN, differ, 0)
        for index in range(len(comparison.thresholds) - 1, -1, -1):
            levels[(distance <= comparison.thresholds[index]) & differ] = 2 + index
        levels[exact] = 1
    elif kind == "date":
        distance = pair_scores(left, right, values, _LEVENSHTEIN, differ, 0)
        swapped, same_year = _date_parts(values[left], values[right])
        levels[same_year] = 4
        levels[(distance <= 1) & differ] = 3
        levels[swapped] = 2
        levels[exact] = 1
    else:  # pragma: no cover
        raise ValueError(kind)
    levels[missing] = MISSING
    return levels


_JW = JaroWinkler.normalized_similarity
_LEVENSHTEIN = Levenshtein.distance


def pair_scores(
    left: np.ndarray, right: np.ndarray, values: np.ndarray, scorer, wanted, default
) -> np.ndarray:
    """scorer(values[left[i]], values[right[i]]) where `wanted`, each distinct pair scored once."""
    rows = np.flatnonzero(wanted) if wanted is not None else np.arange(len(left))
    width = max(len(values), 1)
    key = left[rows].astype(np.int64) * width + right[rows]
    distinct, inverse = np.unique(key, return_inverse=True)
    scores = (
        process.cpdist(
            list(values[distinct // width]),
            list(values[distinct % width]),
            scorer=scorer,
            workers=-1,
        )
        if len(distinct)
        else np.zeros(0)
    )
    result = np.full(len(left), default, dtype=scores.dtype if len(distinct) else float)
    result[rows] = scores[inverse]
    return result


def _initial_agrees(left, right, canonical_left, canonical_right) -> np.ndarray:
    """One side is an initial that agrees with the other's first letter (or its canonical form's)."""
    length_left = np.fromiter(map(len, left), dtype=np.int64, count=len(left))
    length_right = np.fromiter(map(len, right), dtype=np.int64, count=len(right))
    candidates = np.flatnonzero((length_left == 1) | (length_right == 1))
    initial = np.zeros(len(left), dtype=bool)
    for index in candidates:
        a, b = left[index], right[index]
        ca, cb = canonical_left[index], canonical_right[index]
        initial[index] = a[:1] == b[:1] or ca[:1] == cb[:1]
    return initial


def _date_parts(left, right) -> tuple[np.ndarray, np.ndarray]:
    """(day and month swapped, same year) for YYYYMMDD strings ('' when unknown)."""
    a = _fixed(left, 8)
    b = _fixed(right, 8)
    same_year = (a[:, :4] == b[:, :4]).all(axis=1) & (a[:, 0] != 0) & (b[:, 0] != 0)
    swapped = (
        same_year & (a[:, 4:6] == b[:, 6:8]).all(axis=1) & (a[:, 6:8] == b[:, 4:6]).all(axis=1)
    )
    return swapped, same_year


def _fixed(values, width: int) -> np.ndarray:
    """Strings as a (n x width) byte matrix (shorter strings padded with zero bytes)."""
    try:
        data = np.array(values, dtype=f"S{width}")
    except UnicodeEncodeError:
        data = np.array([v.encode("ascii", "replace") for v in values], dtype=f"S{width}")
    return data.view(np.uint8).reshape(len(values), width)


def compare_multi_indexed(
    comparison: Comparison, multi, tails, left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """Phones and emails, vectorised over exploded values: any agreeing pair of values counts.

    `multi` is the column's MultiValues; `tails` the phones' last digits as MultiValues (phones).
    """
    n = len(left)
    worst = comparison.level_count - 1
    lengths = multi.lengths
    missing = (lengths[left] == 0) | (lengths[right] == 0)
    levels = np.full(n, worst, dtype=np.int8)
    exact = shared_values(multi, left, right)[0]
    if comparison.kind == "phone":
        near = shared_values(tails, left, right)[0]
    else:
        near = _email_typos(multi, left, right, ~missing & ~exact)
    levels[near] = 2
    levels[exact] = 1
    levels[missing] = MISSING
    return levels


def shared_values(multi, left: np.ndarray, right: np.ndarray):
    """Per pair: do the two records share a value; and the exploded (pair, code) rows shared."""
    pair_left, code_left = multi.explode(left)
    pair_right, code_right = multi.explode(right)
    width = max(len(multi.values), 1)
    # Each record holds a value once, so a (pair, value) key seen twice is on both sides.
    keys = np.concatenate([pair_left * width + code_left, pair_right * width + code_right])
    keys.sort()
    both = keys[1:][keys[1:] == keys[:-1]]
    shared = np.zeros(len(left), dtype=bool)
    pairs = both // width
    shared[pairs] = True
    return shared, pairs, both % width


def _email_typos(multi, left: np.ndarray, right: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    pairs = np.flatnonzero(wanted)
    result = np.zeros(len(left), dtype=bool)
    if len(pairs) == 0:
        return result
    pair_left, code_left = multi.explode(left[pairs])
    lengths_right = multi.lengths[right[pairs]][pair_left]
    owner = np.repeat(pair_left, lengths_right)
    code_a = np.repeat(code_left, lengths_right)
    starts = multi.offsets[right[pairs]][pair_left]
    _o, code_b = _explode(starts, lengths_right, multi.codes)
    parts = _email_parts(multi)
    local, domain, local_length, stripped = parts
    same_local = local[code_a] == local[code_b]
    same_domain = domain[code_a] == domain[code_b]
    typo = np.zeros(len(owner), dtype=bool)
    values = parts_values(multi)
    rows = np.flatnonzero(same_local & ~same_domain)
    if len(rows):
        typo[rows] = (
            _distance(
                values["domain"][domain[code_a[rows]]], values["domain"][domain[code_b[rows]]]
            )
            <= 2
        )
    rows = np.flatnonzero(
        same_domain
        & ~same_local
        & (np.minimum(local_length[code_a], local_length[code_b]) >= 5)
        & (stripped[code_a] != stripped[code_b])
    )
    if len(rows):
        typo[rows] = (
            _distance(values["local"][local[code_a[rows]]], values["local"][local[code_b[rows]]])
            <= 1
        )
    hit = np.zeros(len(pairs), dtype=bool)
    hit[owner[typo]] = True
    result[pairs] = hit
    return result


def _email_parts(multi):
    """Per distinct email: codes of its local part and domain, the local part's length, and the
    code of the local part without digits ("ngozi.eze1" and "ngozi.eze2" are two mailboxes)."""
    if getattr(multi, "_parts", None) is None:
        locals_: dict[str, int] = {}
        domains: dict[str, int] = {}
        stripped: dict[str, int] = {}
        local_codes, domain_codes, lengths, stripped_codes = [], [], [], []
        for value in multi.values:
            local, _, domain = value.partition("@")
            local_codes.append(locals_.setdefault(local, len(locals_)))
            domain_codes.append(domains.setdefault(domain, len(domains)))
            lengths.append(len(local))
            key = _DIGITS.sub("", local)
            stripped_codes.append(stripped.setdefault(key, len(stripped)))
        multi._parts = (
            np.asarray(local_codes, dtype=np.int64),
            np.asarray(domain_codes, dtype=np.int64),
            np.asarray(lengths, dtype=np.int64),
            np.asarray(stripped_codes, dtype=np.int64),
        )
        multi._part_values = {
            "local": np.asarray(list(locals_), dtype=object),
            "domain": np.asarray(list(domains), dtype=object),
        }
    return multi._parts


def parts_values(multi) -> dict:
    _email_parts(multi)
    return multi._part_values


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
