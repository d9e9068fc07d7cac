"""Blocking: candidate pairs from records that share a key, near-linear in the record count."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from centric.identity.matching.settings import BlockingRule
from centric.identity.matching.table import RecordTable


@lru_cache(maxsize=512)
def _triangle(size: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(size, k=1)


def _rule_pairs(table: RecordTable, rule: BlockingRule, link_only: bool) -> np.ndarray:
    keys = rule.keys(table)
    lookup: dict = {}
    record_index: list[int] = []
    key_codes: list[int] = []
    for index, key in enumerate(keys):
        if isinstance(key, tuple):
            for item in set(key):
                if item:
                    record_index.append(index)
                    key_codes.append(lookup.setdefault(item, len(lookup)))
        elif key:
            record_index.append(index)
            key_codes.append(lookup.setdefault(key, len(lookup)))
    if not record_index:
        return np.zeros(0, dtype=np.int64)
    records = np.asarray(record_index, dtype=np.int64)
    codes = np.asarray(key_codes, dtype=np.int64)
    del record_index, key_codes, lookup
    counts = np.bincount(codes)
    order = np.argsort(codes, kind="stable")
    sorted_records = records[order]
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    n = len(table)
    chunks: list[np.ndarray] = []
    usable = (counts >= 2) & (counts <= rule.max_block_size)
    # Blocks of one size at a time: a (blocks x size) matrix of members, every pair at once.
    for found_size in np.flatnonzero(np.bincount(counts[usable])):
        size = int(found_size)
        block_starts = starts[usable & (counts == size)]
        members = sorted_records[block_starts[:, None] + np.arange(size)]
        upper_i, upper_j = _triangle(size)
        left, right = members[:, upper_i].ravel(), members[:, upper_j].ravel()
        low, high = np.minimum(left, right), np.maximum(left, right)
        keep = low != high
        if link_only and table.source is not None:
            keep &= table.source[low] != table.source[high]
        chunks.append(low[keep] * n + high[keep])
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)


def candidate_pairs(
    table: RecordTable, rules: list[BlockingRule], *, link_only: bool = False
) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Union of every rule's pairs, each pair once (left index < right index)."""
    left, right, counts, _found_by = candidate_pairs_by_rule(table, rules, link_only=link_only)
    return left, right, counts


def candidate_pairs_by_rule(
    table: RecordTable, rules: list[BlockingRule], *, link_only: bool = False
) -> tuple[np.ndarray, np.ndarray, dict[str, int], dict[str, np.ndarray]]:
    """As `candidate_pairs`, plus, for each rule that names its columns, which pairs it found."""
    codes = []
    counts: dict[str, int] = {}
    for rule in rules:
        rule_codes = _rule_pairs(table, rule, link_only)
        counts[rule.name] = int(len(rule_codes))
        codes.append(rule_codes)
    merged = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int64)
    merged.sort()
    if len(merged):
        merged = merged[np.concatenate([[True], merged[1:] != merged[:-1]])]
    found_by = {
        rule.name: np.isin(merged, rule_codes)
        for rule, rule_codes in zip(rules, codes, strict=True)
        if rule.uses and len(rule_codes)
    }
    del codes
    n = len(table)
    return merged // n, merged % n, counts, found_by
