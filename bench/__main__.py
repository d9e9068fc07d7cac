"""`python -m bench [what …]`: build the scale dataset if needed, run the benchmarks, record results.

    python -m bench                      # everything (generate if missing, then every benchmark)
    python -m bench generate [--rebuild] # only the dataset
    python -m bench search person list api import
    python -m bench --people 20000 --interactions 100000 search   # a quick small-scale run
    python -m bench identity             # identity resolution only (bench/identity, no database)
    python -m bench hostile              # peak memory of 50 MB and hostile uploads (no database)
    python -m bench sales                # issue 10: 200k open + 2M closed deals, 1M activities
    python -m bench service              # issue 11: 2M tickets (200k open), queues, SLA scan

The data lives in its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/centric_bench), never the dev database.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
import traceback

BENCHMARKS = ["search", "person", "list", "api", "import", "sales", "service"]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "what",
        nargs="*",
        default=[],
        help=f"generate, {', '.join(BENCHMARKS)} (default: all of them)",
    )
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--interactions", type=int, default=5_000_000)
    parser.add_argument("--import-rows", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true", help="drop the bench database first")
    parser.add_argument("--samples", type=int, default=200, help="queries per latency figure")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--no-record", action="store_true", help="print only; do not add to bench/RESULTS.md"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a bar is missed")
    args = parser.parse_args(argv)
    unknown = set(args.what) - {"generate", "identity", "hostile", *BENCHMARKS}
    if unknown:
        parser.error(f"unknown: {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    if "hostile" in args.what or not args.what:
        # Reading hostile and 50 MB uploads (issue 9): child processes, no database.
        from bench.hostile import main as hostile_main

        hostile_main(["--no-record"] if args.no_record else [])
        if args.what == ["hostile"]:
            return 0
        args.what = [name for name in args.what if name != "hostile"]
    if "identity" in args.what or not args.what:
        # Identity resolution (issue 3) has its own runner and needs no database.
        from bench.identity.__main__ import main as identity_main

        identity_missed = identity_main(["--no-record"] if args.no_record else [])
        if args.what == ["identity"]:
            return identity_missed if args.strict else 0
        args.what = [name for name in args.what if name != "identity"]
    from bench import env

    url = env.bench_url()
    created = env.ensure_database(url, drop=args.rebuild)
    env.setup_django(url)
    print(f"bench database: {env.database_name(url)}{' (created)' if created else ''}")
    applied = env.migrate()

    from bench.generate import SEED, Generator
    from bench.measure import Result, Run

    generator = Generator(
        url,
        people=args.people,
        interactions=args.interactions,
        seed=args.seed if args.seed is not None else SEED,
    )
    machine = env.machine_line()
    print(f"machine: {machine}")
    free_gb = shutil.disk_usage("/").free / 1e9
    print(
        f"free disk: {free_gb:.0f} GB (the full dataset takes about 3 GB, the import database up to 1 GB)"
    )

    wanted = args.what or ["generate", *BENCHMARKS]
    if generator.is_complete():
        timings = generator.meta().get("generation_seconds", {})
        print(
            f"dataset present: {args.people:,} people, {args.interactions:,} interactions "
            f"(generated earlier in {timings.get('total', '?')} s; --rebuild to regenerate)"
        )
        dataset_note = "already present"
        if applied:
            # A migration that adds a column leaves PostgreSQL without statistics for it, and
            # the planner then guesses (e.g. `merged_into_id IS NULL` matching 0.5% of rows).
            print(f"{applied} new migration(s) applied to the existing dataset: ANALYZE …")
            generator.stage_analyze()
            dataset_note += f", re-analysed after {applied} new migration(s)"
    else:
        started = time.perf_counter()
        print(f"generating {args.people:,} people and {args.interactions:,} interactions …")
        timings = generator.run()
        print(f"generated in {time.perf_counter() - started:.0f} s: {timings}")
        dataset_note = f"generated in this run in {timings['total']:.0f} s"
    counts = generator.counts()
    dataset = (
        f"{counts['customers_person']:,} people, {counts['customers_contactpoint']:,} contact "
        f"points, {counts['customers_organisation']:,} organisations, "
        f"{counts['interactions_interaction']:,} interactions ({dataset_note}; generation "
        f"took {timings.get('total', '?')} s: "
        + ", ".join(f"{k} {v}" for k, v in timings.items() if k != "total")
        + ")"
    )
    run = Run(machine=machine, dataset=dataset)

    from bench import runners

    args.generator = generator  # the sales benchmark adds its deals to this dataset
    for name in BENCHMARKS:
        if name in wanted:
            print(f"\n== {name}")
            try:
                runners.BY_NAME[name](run, args)
            except Exception as error:  # noqa: BLE001 - one broken benchmark must not lose the rest
                traceback.print_exc()
                run.add(Result(name, "—", "—", None, f"the benchmark failed: {error!r}"[:500]))
    if not args.no_record:
        run.record()
        if run.results:
            print("\nrecorded in bench/RESULTS.md")
    missed = [r for r in run.results if r.ok is False]
    if missed:
        print(f"\n{len(missed)} figure(s) miss their bar: see bench/RESULTS.md for why.")
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
