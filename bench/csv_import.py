"""CSV import of 1M messy rows, against PostgreSQL's own COPY of the same file, in the same run.

The import runs in its own database (`<bench db>_import`, migrated, people tables emptied first)
so the 1M-person dataset is left alone, in a child process that calls the importer's
programmatic entry point (`centric.imports.services.import_file`, what `centric import people
FILE` runs). The reference is `COPY bare_table FROM STDIN (FORMAT csv, HEADER)` of the same file
into a table of text columns with no indexes, streamed from this process as a client would.
"""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import data
from bench.env import database_name, ensure_database, psycopg_conninfo, with_database
from bench.measure import Result, Run

HEADERS = ["Customer ID", "First Name", "Last Name", "Email", "Phone", "City", "Source", "Stage"]
TIMEOUT_S = int(os.environ.get("BENCH_IMPORT_TIMEOUT", "300"))
CITIES = ["Lagos", "Ikeja", "Lekki", "Abuja", "Ibadan", "Port Harcourt", "Kano", "Enugu", ""]


def write_csv(path: Path, rows: int, seed: int = 505) -> dict[str, int]:
    """A messy export from another system: odd casing and spacing, phones written every way,
    and about 2% bad rows (invalid email or phone, no name, a repeated customer id)."""
    rng = random.Random(seed)
    names = data.Names(seed)
    faults = {"bad_email": 0, "bad_phone": 0, "no_name": 0, "duplicate_id": 0}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for index in range(rows):
            first, middle, last = names.pick(rng)
            if middle and rng.random() < 0.5:
                first = f"{first} {middle}"
            roll = rng.random()
            if roll < 0.1:
                first, last = first.upper(), last.upper()
            elif roll < 0.2:
                first, last = f"  {first.lower()}", f"{last.lower()} "
            external = f"LEG-{index + 1:07d}"
            phone = data.ng_phone(index + 3_000_000) if rng.random() < 0.9 else ""
            if not phone and rng.random() < 0.5:
                phone = data.foreign_phone(index, rng)
            phone = data.messy_phone(phone, rng) if phone else ""
            email = data.person_email(index + 3_000_000, first.strip(), last.strip(), rng)[0]
            email = email if rng.random() < 0.8 else ""
            fault = rng.random()
            if fault < 0.005:
                email = email.replace("@", " at ") or "someone at example"
                faults["bad_email"] += 1
            elif fault < 0.01:
                phone = f"0803 12{rng.randrange(10)}"
                faults["bad_phone"] += 1
            elif fault < 0.015:
                first, last = "", ""
                faults["no_name"] += 1
            elif fault < 0.02 and index > 10:
                external = f"LEG-{index - 5:07d}"
                faults["duplicate_id"] += 1
            writer.writerow(
                [
                    external,
                    first,
                    last,
                    email,
                    phone,
                    rng.choice(CITIES),
                    rng.choice(data.SOURCES),
                    rng.choice(["Customer", "lead", "Subscriber", ""]),
                ]
            )
    return faults


def copy_reference(url: str, path: Path) -> float:
    """Seconds for PostgreSQL's COPY of the raw file into a bare table (text columns)."""
    import psycopg

    columns = ", ".join(f"c{i} text" for i in range(len(HEADERS)))
    with psycopg.connect(psycopg_conninfo(url), autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_bare_import")
        conn.execute(f"CREATE TABLE bench_bare_import ({columns})")
        started = time.perf_counter()
        with (
            conn.cursor() as cursor,
            cursor.copy("COPY bench_bare_import FROM STDIN (FORMAT csv, HEADER)") as copy,
            path.open("rb") as handle,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        loaded = conn.execute("SELECT count(*) FROM bench_bare_import").fetchone()[0]
        conn.execute("DROP TABLE bench_bare_import")
    print(f"    COPY loaded {loaded:,} rows in {seconds:.1f} s")
    return seconds


def prepare_database(url: str) -> None:
    """Create and migrate the import database; empty what an import writes."""
    import psycopg

    ensure_database(url)
    root = Path(__file__).resolve().parent.parent
    environment = {**os.environ, "DATABASE_URL": url, "DEBUG": "0"}
    subprocess.run(
        [sys.executable, "-m", "centric", "migrate", "-v0"],
        env=environment,
        cwd=root,
        check=True,
    )
    with psycopg.connect(psycopg_conninfo(url), autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND ("
                "tablename LIKE 'customers\\_%%' OR tablename LIKE 'imports\\_%%' "
                "OR tablename LIKE 'interactions\\_%%') AND tablename <> 'customers_lifecyclestage'"
            )
        ]
        conn.execute("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE")  # noqa: S608
        conn.execute("VACUUM ANALYZE")


def _processed(url: str) -> int:
    """Rows the (stopped) import had committed, from its job record."""
    import psycopg

    with psycopg.connect(psycopg_conninfo(url), autocommit=True) as conn:
        row = conn.execute("SELECT coalesce(max(processed), 0) FROM imports_importjob").fetchone()
    return int(row[0])


def run_import(run: Run, args: Any) -> None:
    from bench.env import bench_url

    bar = f"≤ 60 s and ≤ 4× COPY ({args.import_rows:,} rows)"
    name = f"CSV import of {args.import_rows:,} rows (import_file, normalise + validate)"
    try:
        from centric.imports.services import import_file  # noqa: F401
    except ImportError:
        run.add(Result(name, "—", bar, None, "the importer has not landed yet"))
        return
    url = with_database(bench_url(), f"{database_name(bench_url())}_import")
    handle, raw = tempfile.mkstemp(prefix="bench-import-", suffix=".csv")
    os.close(handle)
    path = Path(raw)
    try:
        started = time.perf_counter()
        faults = write_csv(path, args.import_rows)
        size_mb = path.stat().st_size / 1e6
        print(
            f"    wrote {args.import_rows:,} rows ({size_mb:.0f} MB) in "
            f"{time.perf_counter() - started:.0f} s; deliberate faults: {faults}"
        )
        prepare_database(url)
        copy_seconds = copy_reference(url, path)
        environment = {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "0",
            # the upload limit (50 MB by default) is for the web form; a 1M-row file is ~90 MB
            "CENTRIC_IMPORT_MAX_BYTES": str(max(path.stat().st_size * 2, 50 * 1024 * 1024)),
        }
        command = [sys.executable, "-m", "bench.import_worker", str(path)]
        try:
            completed = subprocess.run(
                command,
                env=environment,
                cwd=Path(__file__).resolve().parent.parent,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            processed = _processed(url)
            projected = TIMEOUT_S * args.import_rows / processed if processed else float("inf")
            run.add(
                Result(
                    name,
                    f"stopped after {TIMEOUT_S} s with {processed:,} of {args.import_rows:,} rows "
                    f"committed ({processed / TIMEOUT_S:,.0f} rows/s): projected {projected:,.0f} s, "
                    f"{projected / copy_seconds:,.0f}× COPY ({copy_seconds:.1f} s)",
                    bar,
                    False,
                    f"the benchmark's time limit (BENCH_IMPORT_TIMEOUT={TIMEOUT_S} s) keeps make "
                    "bench bounded; the projection assumes the rate stays constant",
                )
            )
            return
        lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
        if completed.returncode or not lines:
            raise RuntimeError(f"the import failed:\n{completed.stdout}\n{completed.stderr}")
        outcome = json.loads(lines[-1])
        seconds = outcome["seconds"]
        ratio = seconds / copy_seconds
        expected_rejects = sum(faults.values())
        figure = (
            f"{seconds:.1f} s, {ratio:.1f}× COPY ({copy_seconds:.1f} s); "
            f"{outcome['created']:,} created, {outcome['rejected']:,} rejected "
            f"({expected_rejects:,} faulty rows written), {args.import_rows / seconds:,.0f} rows/s"
        )
        run.add(
            Result(
                name,
                figure,
                bar,
                seconds <= 60 and ratio <= 4,
                f"file {size_mb:.0f} MB; status {outcome['status']}; mapping {outcome['mapping']}",
            )
        )
    finally:
        path.unlink(missing_ok=True)
