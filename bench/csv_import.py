"""CSV import of 1M messy rows, against the floor of writing its result, in the same run.

The import runs in its own database (`<bench db>_import`, migrated, people tables emptied first)
so the 1M-person dataset is left alone, in a child process that calls the importer's
programmatic entry point (`centric.imports.services.import_file`, what `centric import people
FILE` runs).

The floor (issue 9): the finished rows the import wrote — people, contact points, their history
rows, the job's rejections and notices, whatever tables it filled — are copied out
(`COPY table TO STDOUT`, to files), the tables emptied, and the files COPYed back into the same
real tables, with all their indexes, constraints and foreign keys (checked at the commit, which
is timed), in one transaction and with no Python in between. That is what PostgreSQL needs to
store the import's result; the import is judged against it (bar: ≤ 1.5× the floor). The old
reference, `COPY` of the raw file into a bare table of text columns with no indexes, is printed
beside it.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import shutil
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
FLOOR_BAR = 1.5
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


def _import_tables(conn: Any) -> list[str]:
    """The tables an import may write to (the ones emptied before it runs)."""
    return [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND ("
            "tablename LIKE 'customers\\_%%' OR tablename LIKE 'imports\\_%%' "
            "OR tablename LIKE 'interactions\\_%%' OR tablename LIKE 'extras\\_%%') "
            "AND tablename NOT IN ('customers_lifecyclestage', 'extras_customfielddefinition') "
            "ORDER BY tablename"
        )
    ]


def _trigger_filled(conn: Any, tables: list[str]) -> set[str]:
    """The tables among `tables` that a trigger fills (the typo search's name words, from the
    people table): the floor COPYs their sources and lets the triggers refill them, as the
    import does, instead of COPYing their rows a second time."""
    sources = [
        row[0]
        for row in conn.execute(
            "SELECT p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE NOT t.tgisinternal"
        )
    ]
    return {
        table
        for table in tables
        if any(re.search(rf"\binsert\s+into\s+{table}\b", source, re.I) for source in sources)
    }


def _backend_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) a local PostgreSQL backend has used, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def copy_floor(url: str, workdir: Path) -> dict[str, Any]:
    """Seconds to COPY the rows the import wrote back into the same tables (see the module's
    docstring); also the rows per table and the backend's CPU seconds."""
    import psycopg

    with psycopg.connect(psycopg_conninfo(url), autocommit=True) as conn:
        tables = _import_tables(conn)
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in tables
        }
        refilled = _trigger_filled(conn, tables)
        written = [table for table in tables if counts[table] and table not in refilled]
        files: dict[str, Path] = {}
        for table in written:
            files[table] = workdir / f"{table}.copy"
            with (
                files[table].open("wb") as handle,
                conn.cursor() as cursor,
                cursor.copy(f"COPY {table} TO STDOUT") as copy,
            ):
                for block in copy:
                    handle.write(block)
        conn.execute("TRUNCATE " + ", ".join(tables) + " CASCADE")  # noqa: S608
        conn.execute("CHECKPOINT")
        pid = conn.info.backend_pid
        cpu_before = _backend_cpu(pid)
        started = time.perf_counter()
        with conn.transaction(), conn.cursor() as cursor:
            for table in written:
                with cursor.copy(f"COPY {table} FROM STDIN") as copy, files[table].open("rb") as f:
                    while chunk := f.read(1 << 20):
                        copy.write(chunk)
        seconds = time.perf_counter() - started
        cpu_after = _backend_cpu(pid)
        reloaded = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in written + sorted(refilled)
            if counts[table]
        }
    for path in files.values():
        path.unlink(missing_ok=True)
    if reloaded != {table: counts[table] for table in reloaded}:
        raise RuntimeError(f"the floor reloaded {reloaded}, not {counts}")
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    print(
        f"    floor: {sum(reloaded.values()):,} rows into {len(written)} tables in {seconds:.1f} s"
        + (f" (PostgreSQL CPU {cpu:.1f} s)" if cpu is not None else "")
        + ": "
        + ", ".join(f"{table} {count:,}" for table, count in reloaded.items())
    )
    return {"seconds": seconds, "cpu": cpu, "rows": reloaded}


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
        tables = _import_tables(conn)
        conn.execute("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE")  # noqa: S608
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")


def _processed(url: str) -> int:
    """Rows the (stopped) import had committed, from its job record."""
    import psycopg

    with psycopg.connect(psycopg_conninfo(url), autocommit=True) as conn:
        row = conn.execute("SELECT coalesce(max(processed), 0) FROM imports_importjob").fetchone()
    return int(row[0])


def run_import(run: Run, args: Any) -> None:
    from bench.env import bench_url

    bar = f"≤ {FLOOR_BAR}× the floor ({args.import_rows:,} rows)"
    name = f"CSV import of {args.import_rows:,} rows (import_file, normalise + validate)"
    try:
        from centric.imports.services import import_file  # noqa: F401
    except ImportError:
        run.add(Result(name, "—", bar, None, "the importer has not landed yet"))
        return
    url = with_database(bench_url(), f"{database_name(bench_url())}_import")
    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    path = workdir / "import.csv"
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
        outcome: dict[str, Any] | None = None
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
        else:
            lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
            if completed.returncode or not lines:
                raise RuntimeError(f"the import failed:\n{completed.stdout}\n{completed.stderr}")
            outcome = json.loads(lines[-1])
            print(f"    import: {outcome['seconds']:.1f} s, {outcome['created']:,} created")
        floor = copy_floor(url, workdir)
        floor_seconds = floor["seconds"]
        floor_cpu = f", PostgreSQL CPU {floor['cpu']:.0f} s" if floor["cpu"] is not None else ""
        if outcome is None:
            # The floor was measured on the rows committed so far: scaled to the whole file.
            projected = TIMEOUT_S * args.import_rows / processed if processed else float("inf")
            floor_projected = floor_seconds * args.import_rows / processed if processed else 0
            run.add(
                Result(
                    name,
                    f"stopped after {TIMEOUT_S} s with {processed:,} of {args.import_rows:,} rows "
                    f"committed ({processed / TIMEOUT_S:,.0f} rows/s): projected {projected:,.0f} s "
                    f"against a floor of {floor_projected:,.0f} s (projected too): "
                    f"{projected / floor_projected:.2f}× the floor",
                    bar,
                    False,
                    f"the benchmark's time limit (BENCH_IMPORT_TIMEOUT={TIMEOUT_S} s) keeps make "
                    "bench bounded; the projection assumes the rate stays constant",
                )
            )
            return
        seconds = outcome["seconds"]
        ratio = seconds / floor_seconds
        expected_rejects = sum(faults.values())
        figure = (
            f"{seconds:.1f} s, floor {floor_seconds:.1f} s (its rows COPYed into the same "
            f"tables{floor_cpu}): {ratio:.2f}× the floor; {outcome['created']:,} created, "
            f"{outcome['rejected']:,} rejected ({expected_rejects:,} faulty rows written), "
            f"{args.import_rows / seconds:,.0f} rows/s; bare-table COPY of the file "
            f"{copy_seconds:.1f} s ({seconds / copy_seconds:.0f}×)"
        )
        cpu = outcome.get("cpu") or {}
        run.add(
            Result(
                name,
                figure,
                bar,
                ratio <= FLOOR_BAR,
                f"file {size_mb:.0f} MB; status {outcome['status']}; importer CPU "
                f"{cpu.get('main', 0):.0f} s in its process + {cpu.get('children', 0):.0f} s in "
                f"its preparing processes; the floor wrote "
                + ", ".join(f"{table} {count:,}" for table, count in floor["rows"].items())
                + f"; mapping {outcome['mapping']}",
            )
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
