"""What the generated records allow: the pairwise scores of merging exactly the pairs of one
person's records that share something beyond a name.

A pair "shares something" when its records agree on a phone (or its last nine digits), an
email (or a slip of it) or a date of birth (exactly, day and month swapped, or one digit off),
at the matcher's own comparison levels. Merging those pairs and no others is what a matcher
that never guesses on a name alone could reach at best; the pairs left share only a name
(and perhaps a city), which many different people also share.

    .venv/bin/python -m bench.identity.ceiling --records 50000
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from bench.identity.throughput import count_error, pairwise_scores


def ceiling(records: list[dict]) -> dict:
    from centric.identity.matching import Matcher
    from centric.identity.matching.model import connected_components
    from centric.identity.matching.presets import people_settings, people_table

    truth = np.fromiter((r["identity"] for r in records), dtype=np.int64, count=len(records))
    order = np.argsort(truth, kind="stable")
    bounds = np.flatnonzero(np.diff(truth[order])) + 1
    left_parts, right_parts = [], []
    for members in np.split(order, bounds):
        if len(members) > 1:
            i, j = np.triu_indices(len(members), k=1)
            left_parts.append(members[i])
            right_parts.append(members[j])
    left = np.concatenate(left_parts) if left_parts else np.zeros(0, dtype=np.int64)
    right = np.concatenate(right_parts) if right_parts else np.zeros(0, dtype=np.int64)
    matcher = Matcher(people_settings())
    table = people_table(records)
    levels = matcher.comparison_levels(table, left, right)
    names = [c.name for c in matcher.settings.comparisons]
    phone, email, dob = (names.index(n) for n in ("phone", "email", "date of birth"))
    shares = (
        np.isin(levels[:, phone], (1, 2))
        | np.isin(levels[:, email], (1, 2))
        | np.isin(levels[:, dob], (1, 2, 3))
    )
    labels = connected_components(len(records), left[shares], right[shares])
    scores = pairwise_scores(labels, truth)
    return {
        **scores,
        "true_pairs_sharing_more_than_a_name": int(shares.sum()),
        "share_name_only": float(1 - shares.mean()) if len(shares) else 0.0,
    }


def describe(outcome: dict) -> str:
    return (
        f"{outcome['share_name_only']:.1%} of the true pairs share only a name; merging exactly "
        f"the others: precision {outcome['precision']:.4f}, recall {outcome['recall']:.4f}, "
        f"F1 {outcome['f1']:.4f}, identity count {count_error(outcome):+.2%}"
    )


def main(argv: list[str] | None = None) -> int:
    from bench.identity.people import generate

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args(argv)
    print(describe(ceiling(generate(args.records, args.seed))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
