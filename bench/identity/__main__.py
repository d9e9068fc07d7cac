"""`python -m bench.identity [febrl] [throughput]`: identity-resolution accuracy and speed (issue 3).

    .venv/bin/python -m bench.identity                       # both, recorded in bench/RESULTS.md
    .venv/bin/python -m bench.identity febrl                 # Centric vs splink vs recordlinkage
    .venv/bin/python -m bench.identity throughput --records 100000 --no-record
    .venv/bin/python -m bench.identity.ceiling --records 50000   # what the records allow

febrl: FEBRL4 (link) and FEBRL3 (dedupe) without soc_sec_id, true links used only to score;
Centric, splink 5 (DuckDB) and recordlinkage (ECM) side by side, in bench/identity/.venv-compare
(created on first use). throughput: full resolution of generated messy people (default 1M)
with wall time, peak memory, pairwise F1 and the identity count against the generator's truth,
beside what the records allow (the pairs that share more than a name, merged exactly).
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.identity", description=__doc__.split("\n")[0]
    )
    parser.add_argument("what", nargs="*", default=[], help="febrl, throughput (default: both)")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    wanted = args.what or ["febrl", "throughput"]
    unknown = set(wanted) - {"febrl", "throughput"}
    if unknown:
        parser.error(f"unknown: {', '.join(sorted(unknown))}")

    from bench.env import load_average, machine_line
    from bench.measure import Result, Run

    machine = machine_line()
    print(f"machine: {machine}")
    run = Run(
        machine=machine,
        dataset="identity resolution (issue 3): FEBRL (recordlinkage's copies) and generated people",
    )
    if "febrl" in wanted:
        from bench.identity import compare

        print("\n== FEBRL: Centric vs splink vs recordlinkage")
        outcomes = compare.run()
        print("\n".join(compare.table(outcomes)))
        for task, rows in outcomes.items():
            centric = rows[0]
            others = "; ".join(
                f"{r['tool']} F1 {r['f1']:.4f} in {r['seconds']:.1f} s"
                if "error" not in r
                else f"{r['tool']} failed ({r['error']})"
                for r in rows[1:]
            )
            ok = None if "error" in centric else centric["f1"] >= compare.BARS[task]
            figure = (
                f"Centric: precision {centric['precision']:.4f}, recall {centric['recall']:.4f}, "
                f"F1 {centric['f1']:.4f} in {centric['seconds']:.1f} s"
                if "error" not in centric
                else f"failed: {centric['error']}"
            )
            run.results.append(
                Result(
                    name=f"identity {compare.LABELS[task]}",
                    figure=figure,
                    bar=f"F1 ≥ {compare.BARS[task]}",
                    ok=ok,
                    note=f"beside it: {others} (load {rows[0]['load']} at the start)",
                    load=f"load average {rows[0]['load']}",
                )
            )
    if "throughput" in wanted:
        from bench.identity import throughput

        print(f"\n== throughput: full resolution of {args.records:,} generated people")
        outcome = throughput.run(args.records, args.seed)
        print(throughput.describe(outcome))
        import pickle

        from bench.identity import ceiling

        with open(outcome["records_path"], "rb") as handle:
            bound = ceiling.describe(ceiling.ceiling(pickle.load(handle)))
        print(f"what the records allow: {bound}")
        run.results.append(
            Result(
                name=f"identity resolution of {outcome['records']:,} people",
                figure=(
                    f"{outcome['seconds'] / 60:.1f} min, peak {outcome['peak_gb']:.2f} GB; "
                    f"pairwise F1 {outcome['f1']:.4f} (precision {outcome['precision']:.4f}, "
                    f"recall {outcome['recall']:.4f})"
                ),
                bar=f"≤ {throughput.MINUTES_BAR:.0f} min and ≤ {throughput.MEMORY_BAR_GB:.0f} GB",
                ok=outcome["met"],
                note=throughput.describe(outcome),
                load=load_average(),
            )
        )
        run.results.append(
            Result(
                name=f"identity accuracy, {outcome['records']:,} people with households and namesakes",
                figure=(
                    f"pairwise F1 {outcome['f1']:.4f}; identity count {outcome['clusters']:,} "
                    f"for {outcome['identities']:,} real people "
                    f"({throughput.count_error(outcome):+.2%})"
                ),
                bar=f"F1 ≥ {throughput.F1_BAR} and count within {throughput.COUNT_BAR:.0%}",
                ok=throughput.accuracy_met(outcome),
                note=(
                    "issue 9; households and namesakes: bench/identity/people.py; what the "
                    f"records allow (bench/identity/ceiling.py): {bound}"
                ),
                load=load_average(),
            )
        )
    if not args.no_record and run.results:
        run.record()
        print("\nrecorded in bench/RESULTS.md")
    return 1 if any(r.ok is False for r in run.results) else 0


if __name__ == "__main__":
    sys.exit(main())
