"""The Fellegi–Sunter model: u from random pairs, m and the prior by expectation–maximisation.

Weights are never hand-set: u (how often two *different* people agree at a level) comes from
randomly sampled pairs, which are almost all non-matches; m (how often the *same* person agrees)
and the share of matches among candidate pairs come from EM over the candidate pairs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from centric.identity.matching.blocking import candidate_pairs
from centric.identity.matching.comparisons import MISSING, compare
from centric.identity.matching.settings import Comparison, MatchSettings
from centric.identity.matching.table import RecordTable
from centric.identity.matching.text import canonical_first_name, nickname_map

EPSILON = 1e-9
U_PRIOR_STRENGTH = 200.0


@dataclass
class Parameters:
    m: list[np.ndarray]
    u: list[np.ndarray]
    prior: float
    iterations: int = 0
    global_prior: float | None = None

    @property
    def match_prior(self) -> float:
        """The probability that two *random* records are the same person (used for scoring)."""
        return self.global_prior if self.global_prior is not None else self.prior

    def weights(self) -> list[np.ndarray]:
        """log2(m/u) per comparison level; level 0 (missing) weighs nothing."""
        result = []
        for m, u in zip(self.m, self.u, strict=True):
            weight = np.log2(np.maximum(m, EPSILON) / np.maximum(u, EPSILON))
            weight[MISSING] = 0.0
            result.append(weight)
        return result


@dataclass
class MatchResult:
    table: RecordTable
    settings: MatchSettings
    left: np.ndarray
    right: np.ndarray
    levels: np.ndarray
    weight: np.ndarray
    probability: np.ndarray
    parameters: Parameters
    blocking_counts: dict[str, int] = field(default_factory=dict)
    level_weights: np.ndarray | None = None

    def accepted(self, threshold: float | None = None) -> np.ndarray:
        """Indices of pairs at or above the threshold (one-to-one when the settings say so)."""
        threshold = self.settings.merge_threshold if threshold is None else threshold
        chosen = np.flatnonzero(self.probability >= threshold)
        if not self.settings.one_to_one:
            return chosen
        order = chosen[np.argsort(-self.probability[chosen], kind="stable")]
        used: set[int] = set()
        keep = []
        for index in order:
            a, b = int(self.left[index]), int(self.right[index])
            if a in used or b in used:
                continue
            used.update((a, b))
            keep.append(index)
        return np.asarray(sorted(keep), dtype=np.int64)

    def clusters(self, threshold: float | None = None) -> np.ndarray:
        """A cluster id per record (the smallest record index of its cluster)."""
        parent = np.arange(len(self.table))

        def find(x: int) -> int:
            root = x
            while parent[root] != root:
                root = parent[root]
            while parent[x] != root:
                parent[x], x = root, parent[x]
            return root

        for index in self.accepted(threshold):
            a, b = find(int(self.left[index])), find(int(self.right[index]))
            if a != b:
                parent[max(a, b)] = min(a, b)
        return np.array([find(i) for i in range(len(self.table))])

    def explain(self, pair_index: int) -> list[dict]:
        """Per comparison: the level reached and the evidence it gave (the review queue shows this)."""
        rows = []
        for k, comparison in enumerate(self.settings.comparisons):
            level = int(self.levels[pair_index, k])
            weight = (
                float(self.level_weights[pair_index, k]) if self.level_weights is not None else 0.0
            )
            rows.append(
                {
                    "comparison": comparison.name,
                    "level": comparison.level_labels[level],
                    "weight": round(weight, 2),
                    "left": _display(self.table.columns[comparison.column][self.left[pair_index]]),
                    "right": _display(
                        self.table.columns[comparison.column][self.right[pair_index]]
                    ),
                }
            )
        return rows


def _display(value: object) -> str:
    return ", ".join(value) if isinstance(value, tuple) else str(value)


class Matcher:
    """Scores candidate pairs of a RecordTable and groups records into clusters."""

    def __init__(self, settings: MatchSettings) -> None:
        self.settings = settings
        self.parameters: Parameters | None = None

    # --- comparison vectors ---------------------------------------------------------------
    def comparison_levels(
        self, table: RecordTable, left: np.ndarray, right: np.ndarray
    ) -> np.ndarray:
        left_values = {name: column[left] for name, column in table.columns.items()}
        right_values = {name: column[right] for name, column in table.columns.items()}
        if self.settings.swap_columns:
            first, last = self.settings.swap_columns
            _swap_names(left_values, right_values, first, last)
        levels = np.zeros((len(left), len(self.settings.comparisons)), dtype=np.int8)
        for k, comparison in enumerate(self.settings.comparisons):
            extra = None
            if comparison.kind == "first_name":
                mapping = nickname_map()
                extra = {
                    "canonical_left": _canonical(left_values[comparison.column], mapping),
                    "canonical_right": _canonical(right_values[comparison.column], mapping),
                }
            levels[:, k] = compare(
                comparison, left_values[comparison.column], right_values[comparison.column], extra
            )
        return levels

    # --- estimation -------------------------------------------------------------------------
    def _random_pairs(self, table: RecordTable) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng(self.settings.seed)
        size = self.settings.u_sample_size
        n = len(table)
        if _possible_pairs(table, self.settings) <= size:
            # Small table: every pair, exactly, instead of sampling the same pairs many times.
            left, right = np.triu_indices(n, k=1)
            if self.settings.link_only and table.source is not None:
                keep = table.source[left] != table.source[right]
                left, right = left[keep], right[keep]
            return left.astype(np.int64), right.astype(np.int64)
        if self.settings.link_only and table.source is not None:
            zero, one = np.flatnonzero(table.source == 0), np.flatnonzero(table.source == 1)
            return rng.choice(zero, size), rng.choice(one, size)
        left, right = rng.integers(0, n, size), rng.integers(0, n, size)
        keep = left != right
        return left[keep], right[keep]

    def estimate_u(self, table: RecordTable) -> list[np.ndarray]:
        left, right = self._random_pairs(table)
        levels = self.comparison_levels(table, left, right)
        # A tiny table has few distinct pairs however often we sample it: weigh the sample by the
        # pairs that really exist, against a weak prior that strangers rarely agree.
        effective = min(len(left), _possible_pairs(table, self.settings))
        result = []
        for k, comparison in enumerate(self.settings.comparisons):
            counts = np.bincount(levels[:, k], minlength=comparison.level_count).astype(float)
            counts[MISSING] = 0
            if counts[1:].sum() > 0:
                counts[1:] *= effective / counts[1:].sum()
            counts[1:] += U_PRIOR_STRENGTH * _prior_u(comparison)[1:]
            u = counts / counts[1:].sum()
            u[MISSING] = 1.0
            result.append(u)
        return result

    def estimate_m(self, levels: np.ndarray, u: list[np.ndarray]) -> Parameters:
        patterns, counts = np.unique(levels, axis=0, return_counts=True)
        comparisons = self.settings.comparisons
        initial = [_initial_m(c) for c in comparisons]
        m = [array.copy() for array in initial]
        strength = self.settings.m_prior_strength
        prior = 0.1
        iterations = 0
        for iterations in range(1, self.settings.em_iterations + 1):  # noqa: B007 - the count is reported
            log_m = np.zeros(len(patterns))
            log_u = np.zeros(len(patterns))
            for k in range(len(comparisons)):
                log_m += np.log(np.maximum(m[k][patterns[:, k]], EPSILON))
                log_u += np.log(np.maximum(u[k][patterns[:, k]], EPSILON))
            odds = np.log(prior) + log_m - np.log(1 - prior) - log_u
            probability = 1.0 / (1.0 + np.exp(-np.clip(odds, -700, 700)))
            weighted = probability * counts
            new_prior = float(weighted.sum() / counts.sum())
            new_m = []
            for k, comparison in enumerate(comparisons):
                sums = np.bincount(
                    patterns[:, k], weights=weighted, minlength=comparison.level_count
                )
                sums[MISSING] = 0
                # A weak prior (pseudo-matches that mostly agree) keeps EM from a degenerate
                # answer when the data holds few duplicates; thousands of real ones outweigh it.
                sums[1:] += strength * initial[k][1:] + 1e-3
                estimate = sums / sums[1:].sum()
                estimate[MISSING] = 1.0
                new_m.append(estimate)
            change = max(float(np.abs(a - b).max()) for a, b in zip(m, new_m, strict=True))
            m, prior = new_m, min(max(new_prior, 1e-6), 1 - 1e-6)
            if change < 1e-5:
                break
        return Parameters(m=m, u=u, prior=prior, iterations=iterations)

    # --- scoring ----------------------------------------------------------------------------
    def score(
        self, table: RecordTable, left: np.ndarray, right: np.ndarray, levels: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        assert self.parameters is not None
        weights = self.parameters.weights()
        per_level = np.zeros(levels.shape, dtype=float)
        for k, comparison in enumerate(self.settings.comparisons):
            per_level[:, k] = weights[k][levels[:, k]]
            if comparison.term_frequency:
                self._adjust_for_frequency(table, comparison, k, left, right, levels, per_level)
        prior = self.parameters.match_prior
        total = np.log2(prior / (1 - prior)) + per_level.sum(axis=1)
        probability = 1.0 / (1.0 + np.power(2.0, -np.clip(total, -1000, 1000)))
        return total, probability, per_level

    def _adjust_for_frequency(
        self, table, comparison: Comparison, k: int, left, right, levels, per_level
    ) -> None:
        """Agreement on a common value is weaker evidence: u becomes that value's frequency."""
        column = table.columns[comparison.column]
        frequencies = _frequencies(column)
        m_exact = self.parameters.m[k][1]
        exact = np.flatnonzero(levels[:, k] == 1)
        for index in exact:
            a, b = column[left[index]], column[right[index]]
            if isinstance(a, tuple):
                shared = set(a) & set(b)
                frequency = min(frequencies.get(v, 0.0) for v in shared) if shared else 0.0
            else:
                frequency = frequencies.get(a, 0.0)
            if frequency > 0:
                per_level[index, k] = np.log2(max(m_exact, EPSILON) / frequency)

    # --- the whole run ----------------------------------------------------------------------
    def fit_predict(self, table: RecordTable) -> MatchResult:
        if self.settings.prepare is not None:
            self.settings.prepare(table)
        left, right, blocking_counts = candidate_pairs(
            table, self.settings.blocking_rules, link_only=self.settings.link_only
        )
        levels = self.comparison_levels(table, left, right)
        u = self.estimate_u(table)
        if len(levels):
            self.parameters = self.estimate_m(levels, u)
        else:  # nothing to learn from: the weak prior on m stands
            self.parameters = Parameters(
                m=[_initial_m(c) for c in self.settings.comparisons], u=u, prior=0.5
            )
        expected_matches = self.parameters.prior * len(levels)
        self.parameters.global_prior = min(
            max(expected_matches, 1.0) / max(_possible_pairs(table, self.settings), 1), 0.5
        )
        weight, probability, per_level = self.score(table, left, right, levels)
        return MatchResult(
            table=table,
            settings=self.settings,
            left=left,
            right=right,
            levels=levels,
            weight=weight,
            probability=probability,
            parameters=self.parameters,
            blocking_counts=blocking_counts,
            level_weights=per_level,
        )


def _possible_pairs(table: RecordTable, settings: MatchSettings) -> int:
    n = len(table)
    if settings.link_only and table.source is not None:
        first = int((table.source == 0).sum())
        return first * (n - first)
    return n * (n - 1) // 2


def _prior_u(comparison: Comparison) -> np.ndarray:
    """Strangers rarely agree: a little mass on each agreeing level, the rest on "different"."""
    u = np.full(comparison.level_count, 0.002)
    u[-1] = 1.0 - 0.002 * (comparison.level_count - 2)
    u[MISSING] = 1.0
    return u


def _initial_m(comparison: Comparison) -> np.ndarray:
    count = comparison.level_count
    m = np.zeros(count)
    m[1] = 0.85
    rest = count - 2
    if rest > 0:
        shares = np.array([0.5**i for i in range(rest)])
        shares[-1] = 0.02 if rest > 1 else 0.15
        m[2:] = 0.15 * shares / shares.sum()
    m[MISSING] = 1.0
    return m


def _canonical(values: np.ndarray, mapping: dict[str, str]) -> np.ndarray:
    cache: dict[str, str] = {}
    result = np.empty(len(values), dtype=object)
    for index, value in enumerate(values):
        if value not in cache:
            cache[value] = canonical_first_name(value, mapping) if value else ""
        result[index] = cache[value]
    return result


def _frequencies(column: np.ndarray) -> dict[str, float]:
    counter: Counter = Counter()
    for value in column:
        if isinstance(value, tuple):
            counter.update(set(value))
        elif value:
            counter[value] += 1
    total = sum(counter.values()) or 1
    # Leave-one-out: how often *another* record holds the value, so a pair of duplicates does not
    # make its own shared value look common.
    return {value: max(count - 1, 1) / total for value, count in counter.items()}


def _swap_names(left: dict, right: dict, first: str, last: str) -> None:
    """Where the right record's first and last names look swapped, compare them swapped."""
    lf, ll, rf, rl = left[first], left[last], right[first], right[last]
    if len(lf) == 0:
        return
    straight = _jw(lf, rf) + _jw(ll, rl)
    crossed = _jw(lf, rl) + _jw(ll, rf)
    swap = crossed > straight + 0.3
    if swap.any():
        right[first] = np.where(swap, rl, rf)
        right[last] = np.where(swap, rf, rl)


def _jw(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return process.cpdist(list(a), list(b), scorer=JaroWinkler.normalized_similarity, workers=-1)
