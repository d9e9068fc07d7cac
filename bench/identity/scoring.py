"""Scoring shared by Centric's FEBRL run and the comparison tools' (pure Python: it also runs in
the comparison virtualenv, which has no Centric dependencies)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable


def score(predicted: set, truth: set) -> dict:
    true_positive = len(predicted & truth)
    precision = true_positive / len(predicted) if predicted else 0.0
    recall = true_positive / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "predicted": len(predicted),
        "truth": len(truth),
    }


def pairs_within(groups: Iterable[list]) -> set:
    """Every unordered pair inside each group, as frozensets."""
    result = set()
    for members in groups:
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                result.add(frozenset((members[i], members[j])))
    return result


def closure_pairs(pairs: Iterable[tuple[Hashable, Hashable]]) -> set:
    """Every pair inside the clusters (connected components) the pairs form."""
    parent: dict = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    clusters: dict = {}
    for x in list(parent):
        clusters.setdefault(find(x), []).append(x)
    return pairs_within(clusters.values())
