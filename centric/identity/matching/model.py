"""The Fellegi–Sunter model: u from random pairs, m and the prior by expectation–maximisation.

Weights are never hand-set: u (how often two *different* people agree at a level) comes from
randomly sampled pairs, which are almost all non-matches; m (how often the *same* person agrees)
and the share of matches among candidate pairs come from EM over the candidate pairs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from rapidfuzz.distance import OSA

from centric.identity.matching.blocking import candidate_pairs_by_rule
from centric.identity.matching.comparisons import (
    _JW as _JW_SCORER,
)
from centric.identity.matching.comparisons import (
    MISSING,
    compare_codes,
    compare_multi_indexed,
    pair_scores,
    shared_values,
)
from centric.identity.matching.settings import Comparison, MatchSettings
from centric.identity.matching.table import MultiValues, RecordTable, factorize
from centric.identity.matching.text import canonical_first_name, nickname_map, phone_tail

EPSILON = 1e-9
MIN_RULE_PAIRS = 50
MULTI_KINDS = ("phone", "email")
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
    # Per pair and evidence rule: the weight the rule took back (<= 0) and which of its
    # `when` entries fired (-1: none).
    rule_weights: np.ndarray | None = None
    rule_reasons: np.ndarray | None = None
    # Per pair: the weight taken so that the pair does not join records that must stay apart
    # (`Matcher.separate`; 0 for most pairs) and which `cannot_link` entry it was (-1: none).
    separation_weights: np.ndarray | None = None
    separation_reasons: np.ndarray | None = None

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
        accepted = self.accepted(threshold)
        return connected_components(
            len(self.table),
            self.left[accepted].astype(np.int64),
            self.right[accepted].astype(np.int64),
        )

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
        if self.rule_weights is not None and self.rule_reasons is not None:
            for r, rule in enumerate(self.settings.rules):
                reason = int(self.rule_reasons[pair_index, r])
                taken = float(self.rule_weights[pair_index, r])
                if reason < 0 or taken == 0:
                    continue
                rows.append(
                    {
                        "comparison": rule.name,
                        "level": rule.when[reason][2],
                        "weight": round(taken, 2),
                        "left": "",
                        "right": "",
                    }
                )
        if self.separation_weights is not None and self.separation_reasons is not None:
            reason = int(self.separation_reasons[pair_index])
            if reason >= 0:
                rows.append(
                    {
                        "comparison": "would join",
                        "level": self.settings.cannot_link[reason][2],
                        "weight": round(float(self.separation_weights[pair_index]), 2),
                        "left": "",
                        "right": "",
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
        left = np.asarray(left, dtype=np.int64)
        right = np.asarray(right, dtype=np.int64)
        swap = self.settings.swap_columns
        codes_left: dict[str, np.ndarray] = {}
        codes_right: dict[str, np.ndarray] = {}
        spaces: dict[str, tuple[np.ndarray, int]] = {}
        if swap:
            first, last = swap
            (codes_first, codes_last), values, blank = _joint_codes(table, first, last)
            lf, ll, rf, rl = (
                codes_first[left],
                codes_last[left],
                codes_first[right],
                codes_last[right],
            )
            if len(left):
                straight = pair_scores(lf, rf, values, _JW_SCORER, None, 0.0) + pair_scores(
                    ll, rl, values, _JW_SCORER, None, 0.0
                )
                crossed = pair_scores(lf, rl, values, _JW_SCORER, None, 0.0) + pair_scores(
                    ll, rf, values, _JW_SCORER, None, 0.0
                )
                crossing = crossed > straight + 0.3
                rf, rl = np.where(crossing, rl, rf), np.where(crossing, rf, rl)
            codes_left[first], codes_left[last] = lf, ll
            codes_right[first], codes_right[last] = rf, rl
            spaces[first] = spaces[last] = (values, blank)
        levels = np.zeros((len(left), len(self.settings.comparisons)), dtype=np.int8)
        for k, comparison in enumerate(self.settings.comparisons):
            name = comparison.column
            if comparison.kind in MULTI_KINDS:
                multi = _multi_values(table, name)
                tails = _phone_tails(table, name) if comparison.kind == "phone" else None
                levels[:, k] = compare_multi_indexed(comparison, multi, tails, left, right)
                continue
            if name in spaces:
                values, blank = spaces[name]
                pair_left, pair_right = codes_left[name], codes_right[name]
            else:  # one column at a time: a million records make tens of millions of pairs
                codes, values, blank = _value_codes(table, name)
                pair_left, pair_right = codes[left], codes[right]
            canonical = None
            if comparison.kind == "first_name":
                forms = _canonical(values, nickname_map())
                canonical = (forms[pair_left], forms[pair_right])
            levels[:, k] = compare_codes(
                comparison, pair_left, pair_right, values, blank, canonical
            )
            del pair_left, pair_right, canonical
        return levels

    def close_first_names(
        self, table: RecordTable, left: np.ndarray, right: np.ndarray, levels: np.ndarray
    ) -> np.ndarray:
        """Per pair: first names at the level "different" that are one slip apart or whose
        canonical forms are close (a typo of a nickname and another name of its family): not a
        sign of two people."""
        close = np.zeros(len(left), dtype=bool)
        for k, comparison in enumerate(self.settings.comparisons):
            if comparison.kind == "first_name":
                different = levels[:, k] == comparison.level_count - 1
                close |= different & self._close_canonical(
                    table, comparison, np.asarray(left), np.asarray(right), different
                )
        return close

    def _close_canonical(
        self,
        table: RecordTable,
        comparison: Comparison,
        left: np.ndarray,
        right: np.ndarray,
        wanted: np.ndarray,
    ) -> np.ndarray:
        """First names whose canonical forms are close: a typo of one nickname and another name
        of its family ("Chukh" and "Emeka"), or one slip apart, are not two people, though their
        level is "different"."""
        codes, values, _blank = _value_codes(table, comparison.column)
        forms = _canonical(values, nickname_map())
        canonical_codes, canonical_values = factorize(forms)
        spelled = np.empty(len(canonical_values), dtype=object)
        spelled[:] = canonical_values
        lowest = min(comparison.thresholds) if comparison.thresholds else 0.8
        similarity = pair_scores(
            canonical_codes[codes[left]],
            canonical_codes[codes[right]],
            spelled,
            _JW_SCORER,
            wanted,
            0.0,
        )
        # One slip in a short name ("Ime" and "Iem", "Joy" and "Jyo") scores below 0.8 too.
        slips = pair_scores(codes[left], codes[right], values, OSA.distance, wanted, 99)
        return (similarity >= lowest) | (slips <= 1)

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

    def estimate_m(
        self, levels: np.ndarray, u: list[np.ndarray], comparisons: list[Comparison] | None = None
    ) -> Parameters:
        comparisons = self.settings.comparisons if comparisons is None else comparisons
        patterns, counts = _unique_rows(levels, [c.level_count for c in comparisons])
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
                sums: np.ndarray = np.bincount(
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

    def estimate_m_by_rule(
        self, levels: np.ndarray, u: list[np.ndarray], found_by: dict[str, np.ndarray]
    ) -> Parameters:
        """m trained per blocking rule, with the rule's own comparisons held out.

        Pairs found by "same full name" all agree on names by construction; trained on all
        candidate pairs at once, EM calls nearly every pair a match and learns that a differing
        phone says little. Per rule, the held-out comparisons are learnt only where they are
        free to disagree (splink's approach). Then only the match share is re-estimated.
        """
        comparisons = self.settings.comparisons
        rules = {rule.name: rule for rule in self.settings.blocking_rules}
        estimates: list[list[np.ndarray]] = [[] for _ in comparisons]
        weights: list[list[float]] = [[] for _ in comparisons]
        for name, mask in found_by.items():
            held_out = set(rules[name].uses)
            kept = [k for k, c in enumerate(comparisons) if c.column not in held_out]
            pairs = int(mask.sum())
            if not kept or pairs < MIN_RULE_PAIRS:
                continue
            session = self.estimate_m(
                levels[mask][:, kept], [u[k] for k in kept], [comparisons[k] for k in kept]
            )
            for position, k in enumerate(kept):
                estimates[k].append(session.m[position])
                weights[k].append(float(pairs))
        overall = None
        m = []
        for k in range(len(comparisons)):
            if estimates[k]:
                m.append(np.average(np.vstack(estimates[k]), axis=0, weights=weights[k]))
            else:
                overall = overall or self.estimate_m(levels, u)
                m.append(overall.m[k])
        prior = _match_share(levels, m, u)
        return Parameters(m=m, u=u, prior=prior)

    # --- scoring ----------------------------------------------------------------------------
    def score(
        self, table: RecordTable, left: np.ndarray, right: np.ndarray, levels: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        total, probability, per_level, _rules = self.score_with_rules(table, left, right, levels)
        return total, probability, per_level

    def score_with_rules(
        self, table: RecordTable, left: np.ndarray, right: np.ndarray, levels: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]:
        """Match weight and probability per pair, the weight of each level reached, and what
        the evidence rules took back (`apply_rules`)."""
        assert self.parameters is not None
        weights = self.parameters.weights()
        per_level = np.zeros(levels.shape, dtype=float)
        for k, comparison in enumerate(self.settings.comparisons):
            per_level[:, k] = weights[k][levels[:, k]]
            if comparison.term_frequency:
                self._adjust_for_frequency(table, comparison, k, left, right, levels, per_level)
        rule_weights, rule_reasons = apply_rules(
            self.settings, levels, per_level, self.close_first_names(table, left, right, levels)
        )
        prior = self.parameters.match_prior
        total = np.log2(prior / (1 - prior)) + per_level.sum(axis=1) + rule_weights.sum(axis=1)
        probability = 1.0 / (1.0 + np.power(2.0, -np.clip(total, -1000, 1000)))
        return total, probability, per_level, (rule_weights, rule_reasons)

    def _adjust_for_frequency(
        self, table, comparison: Comparison, k: int, left, right, levels, per_level
    ) -> None:
        """Agreement on a common value is weaker evidence: u becomes that value's frequency."""
        assert self.parameters is not None
        m_exact = max(self.parameters.m[k][1], EPSILON)
        exact = np.flatnonzero(levels[:, k] == 1)
        if len(exact) == 0:
            return
        if comparison.kind in MULTI_KINDS:
            multi = _multi_values(table, comparison.column)
            counts = multi.counts()
            frequency_of = np.maximum(counts - 1, 1) / max(int(counts.sum()), 1)
            _shared, pairs, codes = shared_values(multi, left[exact], right[exact])
            frequency = np.full(len(exact), np.inf)
            np.minimum.at(frequency, pairs, frequency_of[codes])
            frequency[np.isinf(frequency)] = 0.0
        else:
            codes, _values, blank = _value_codes(table, comparison.column)
            counts = np.bincount(codes, minlength=blank + 1).astype(np.int64)
            counts[blank] = 0
            frequency_of = np.maximum(counts - 1, 1) / max(int(counts.sum()), 1)
            frequency_of[blank] = 0.0
            frequency = frequency_of[codes[left[exact]]]
        adjusted = frequency > 0
        per_level[exact[adjusted], k] = np.log2(m_exact / frequency[adjusted])

    # --- the whole run ----------------------------------------------------------------------
    def fit_predict(self, table: RecordTable) -> MatchResult:
        if self.settings.prepare is not None:
            self.settings.prepare(table)
        left, right, blocking_counts, found_by = candidate_pairs_by_rule(
            table, self.settings.blocking_rules, link_only=self.settings.link_only
        )
        levels = self.comparison_levels(table, left, right)
        u = self.estimate_u(table)
        if len(levels) and found_by:
            self.parameters = self.estimate_m_by_rule(levels, u, found_by)
        elif len(levels):
            self.parameters = self.estimate_m(levels, u)
        else:  # nothing to learn from: the weak prior on m stands
            self.parameters = Parameters(
                m=[_initial_m(c) for c in self.settings.comparisons], u=u, prior=0.5
            )
        expected_matches = self.parameters.prior * len(levels)
        self.parameters.global_prior = min(
            max(expected_matches, 1.0) / max(_possible_pairs(table, self.settings), 1), 0.5
        )
        weight, probability, per_level, (rule_weights, rule_reasons) = self.score_with_rules(
            table, left, right, levels
        )
        separation_weights, separation_reasons = self.separate(table, left, right, weight)
        if self.settings.cannot_link:
            weight = weight + separation_weights
            probability = 1.0 / (1.0 + np.power(2.0, -np.clip(weight, -1000, 1000)))
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
            rule_weights=rule_weights,
            rule_reasons=rule_reasons,
            separation_weights=separation_weights,
            separation_reasons=separation_reasons,
        )

    def separate(
        self, table: RecordTable, left: np.ndarray, right: np.ndarray, weight: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Keep records that must stay apart out of one cluster: (weight taken, reason) per pair.

        Clusters are connected components, so a record with no first name that matches Chidi
        Patel and Ngozi Patel (same landline, same surname) makes them one person. Pairs above
        the merge threshold are taken strongest first; one that would join two groups holding a
        `cannot_link` pair (records not matched directly, e.g. with different first names) is
        lowered just below the merge threshold: it stays in the review queue with the reason.
        """
        n_pairs = len(left)
        taken = np.zeros(n_pairs, dtype=float)
        reasons = np.full(n_pairs, -1, dtype=np.int8)
        if not self.settings.cannot_link or n_pairs == 0:
            return taken, reasons
        n = len(table)
        merge = min(self.settings.merge_threshold, 1 - 1e-9)
        target = float(np.log2(merge / (1 - merge)))
        accepted = np.flatnonzero(weight >= target)
        labels = connected_components(
            n, left[accepted].astype(np.int64), right[accepted].astype(np.int64)
        )
        sizes = np.bincount(labels, minlength=n)
        grouped = np.flatnonzero(sizes[labels] >= 3)  # a pair alone was judged directly
        if len(grouped) == 0:
            return taken, reasons
        grouped = grouped[np.argsort(labels[grouped], kind="stable")]
        bounds = np.flatnonzero(np.diff(labels[grouped])) + 1
        pair_left, pair_right = [], []
        for members in np.split(grouped, bounds):
            i, j = np.triu_indices(len(members), k=1)
            pair_left.append(members[i])
            pair_right.append(members[j])
        within_left = np.concatenate(pair_left)
        within_right = np.concatenate(pair_right)
        levels = self.comparison_levels(table, within_left, within_right)
        position = {c.name: k for k, c in enumerate(self.settings.comparisons)}
        conflict = np.full(len(within_left), -1, dtype=np.int8)
        for index in range(len(self.settings.cannot_link) - 1, -1, -1):
            name, label, _reason = self.settings.cannot_link[index]
            k = position[name]
            comparison = self.settings.comparisons[k]
            hit = levels[:, k] == comparison.level_labels.index(label)
            if comparison.kind == "first_name":
                hit &= ~self._close_canonical(table, comparison, within_left, within_right, hit)
            conflict[hit] = index
        direct = np.minimum(left[accepted], right[accepted]).astype(np.int64) * n + np.maximum(
            left[accepted], right[accepted]
        )
        within = within_left * n + within_right
        conflict[np.isin(within, direct)] = -1
        found = np.flatnonzero(conflict >= 0)
        if len(found) == 0:
            return taken, reasons
        apart = {int(within[f]): int(conflict[f]) for f in found}
        troubled = np.isin(labels[left[accepted]], np.unique(labels[within_left[found]]))
        edges = accepted[troubled]
        edges = edges[np.argsort(-weight[edges], kind="stable")]
        parent: dict[int, int] = {}
        members_of: dict[int, list[int]] = {}

        def root(x: int) -> int:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for edge in edges:
            a, b = int(left[edge]), int(right[edge])
            root_a, root_b = root(a), root(b)
            if root_a == root_b:
                continue
            group_a = members_of.get(root_a, [root_a])
            group_b = members_of.get(root_b, [root_b])
            reason = next(
                (
                    apart[min(x, y) * n + max(x, y)]
                    for x in group_a
                    for y in group_b
                    if min(x, y) * n + max(x, y) in apart
                ),
                -1,
            )
            if reason >= 0:  # half a bit below the merge threshold: still in the review queue
                taken[edge] = min(0.0, target - 0.5 - float(weight[edge]))
                reasons[edge] = reason
                continue
            parent[root_b] = root_a
            members_of[root_a] = group_a + group_b
            members_of.pop(root_b, None)
        return taken, reasons


def apply_rules(
    settings: MatchSettings,
    levels: np.ndarray,
    per_level: np.ndarray,
    close_first_names: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """What each evidence rule takes back, per pair: (weights <= 0, index of the reason or -1).

    `close_first_names` (`Matcher.close_first_names`) marks pairs whose first names are
    "different" only as spelt: those do not fire a rule on the first name.

    `per_level` itself is left as it is, so the review queue still shows what each field
    said; the rule's line says how much of it stopped counting and why.
    """
    n, count = len(levels), len(settings.rules)
    taken = np.zeros((n, count), dtype=float)
    reasons = np.full((n, count), -1, dtype=np.int8)
    position = {c.name: k for k, c in enumerate(settings.comparisons)}
    # What is left to take: two rules that discount one field take its weight back once.
    remaining = np.maximum(per_level, 0.0)
    for r, rule in enumerate(settings.rules):
        fired = np.zeros(n, dtype=bool)
        for index in range(len(rule.when) - 1, -1, -1):  # the first reason that holds is shown
            name, label, _reason = rule.when[index]
            k = position[name]
            hit = levels[:, k] == settings.comparisons[k].level_labels.index(label)
            if settings.comparisons[k].kind == "first_name" and close_first_names is not None:
                hit &= ~close_first_names
            reasons[hit, r] = index
            fired |= hit
        rows = np.flatnonzero(fired)
        discounted = np.asarray([position[name] for name in rule.discounted], dtype=np.int64)
        taken[rows, r] = -remaining[np.ix_(rows, discounted)].sum(axis=1)
        remaining[np.ix_(rows, discounted)] = 0.0
    return taken, reasons


def _match_share(
    levels: np.ndarray, m: list[np.ndarray], u: list[np.ndarray], iterations: int = 50
) -> float:
    """The share of matches among candidate pairs, by EM with m and u held fixed."""
    log_ratio = np.zeros(len(levels))
    for k in range(levels.shape[1]):
        log_ratio += np.log(np.maximum(m[k][levels[:, k]], EPSILON)) - np.log(
            np.maximum(u[k][levels[:, k]], EPSILON)
        )
    share = 0.1
    for _ in range(iterations):
        odds = np.log(share) - np.log(1 - share) + log_ratio
        new_share = float((1.0 / (1.0 + np.exp(-np.clip(odds, -700, 700)))).mean())
        new_share = min(max(new_share, 1e-6), 1 - 1e-6)
        if abs(new_share - share) < 1e-7:
            return new_share
        share = new_share
    return share


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
    codes, distinct = factorize(values)
    canonical = np.empty(len(distinct), dtype=object)
    canonical[:] = [canonical_first_name(v, mapping) if v else "" for v in distinct]
    return canonical[codes]


def connected_components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Label every node with the smallest node of its component (min-label propagation)."""
    label = np.arange(n, dtype=np.int64)
    while len(left):
        low = np.minimum(label[left], label[right])
        np.minimum.at(label, label[left], low)
        np.minimum.at(label, label[right], low)
        while True:  # pointer jumping: every label points at a root
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped
        if np.array_equal(label[left], label[right]):
            break
    return label


def _unique_rows(levels: np.ndarray, level_counts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(levels, axis=0, return_counts=True), through one integer per row (same order)."""
    base = max(level_counts + [2])
    width = levels.shape[1]
    if len(levels) == 0 or base**width >= 2**62:
        return np.unique(levels, axis=0, return_counts=True)
    code = np.zeros(len(levels), dtype=np.int64)
    for k in range(width):
        code = code * base + levels[:, k]
    distinct, counts = np.unique(code, return_counts=True)
    patterns = np.empty((len(distinct), width), dtype=levels.dtype)
    rest = distinct.copy()
    for k in range(width - 1, -1, -1):
        patterns[:, k] = rest % base
        rest //= base
    return patterns, counts


def _multi_values(table: RecordTable, column: str) -> MultiValues:
    key = ("multi", column)
    if key not in table.cache:
        table.cache[key] = MultiValues.build(table.columns[column])
    return table.cache[key]


def _phone_tails(table: RecordTable, column: str) -> MultiValues:
    """The phones' last digits, as their own exploded column (numbers saved without the code)."""
    key = ("tails", column)
    if key not in table.cache:
        phones = _multi_values(table, column)
        tail_codes, tails = factorize([phone_tail(v) for v in phones.values])
        blank = tails.index("") if "" in tails else -1
        per_value = tail_codes[phones.codes] if len(phones.codes) else phones.codes
        owner = np.repeat(np.arange(len(table), dtype=np.int64), phones.lengths)
        keep = per_value != blank
        # Two of a record's numbers may end alike: keep each (record, tail) once.
        width = max(len(tails), 1)
        unique = np.unique(owner[keep] * width + per_value[keep])
        owner, per_value = unique // width, unique % width
        lengths = np.bincount(owner, minlength=len(table))
        offsets = np.zeros(len(table) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        table.cache[key] = MultiValues(offsets=offsets, codes=per_value, values=tails)
    return table.cache[key]


def _value_codes(table: RecordTable, column: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Integer codes of a single-valued column, its distinct values, and the code of ''."""
    key = ("codes", column)
    if key not in table.cache:
        codes, distinct = factorize(table.columns[column])
        blank = distinct.index("") if "" in distinct else len(distinct)
        values = np.empty(len(distinct), dtype=object)
        values[:] = distinct
        table.cache[key] = (codes, values, blank)
    return table.cache[key]


def _joint_codes(table: RecordTable, first: str, last: str):
    """Codes of two columns in one shared space (first and last names may be swapped)."""
    key = ("joint", first, last)
    if key not in table.cache:
        n = len(table)
        codes, distinct = factorize(np.concatenate([table.columns[first], table.columns[last]]))
        blank = distinct.index("") if "" in distinct else len(distinct)
        values = np.empty(len(distinct), dtype=object)
        values[:] = distinct
        table.cache[key] = ((codes[:n], codes[n:]), values, blank)
    return table.cache[key]
