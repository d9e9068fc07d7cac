"""`python -m bench hostile`: peak memory of reading 50 MB uploads and hostile files (issue 9).

Writes, in a temporary directory deleted afterwards, a ~48 MB file of each supported format
(CSV, Excel .xlsx with Excel's shared strings — mostly unique texts —, vCard 3.0) and the
hostile files of the issue (a zip bomb, one whose headers lie, a zip of thousands of members, a
5 MB workbook of 2,000,000 shared strings, a 10 MB vCard line, a PDF named .csv). Each is read
in a fresh child process, twice: as the upload request does (`open_table(preview=True)` and
the first 20 rows) and as the worker does (every row of `Table.rows()`). The figure is the
child's peak resident memory (`VmHWM`, its high-water mark since exec), the bar 300 MB; the child's
resident memory before reading (Python, Django and the app imported) is printed beside it.
No database is needed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BAR_MB = 300
TARGET_BYTES = 48 * 1024 * 1024
CITIES = ["Lagos", "Ikeja", "Lekki", "Abuja", "Ibadan", "Port Harcourt", "Kano", "Enugu"]
STREETS = ["Allen Avenue", "Awolowo Road", "Adeola Odeku Street", "Herbert Macaulay Way"]
HEADER = [
    "Customer ID",
    "First Name",
    "Last Name",
    "E-mail",
    "Mobile",
    "Street",
    "City",
    "Company",
    "Date of Birth",
    "Notes",
]


def _people(seed: int = 909):
    """Endless rows of invented Nigerian customers, nearly every text unique."""
    from bench import data

    rng = random.Random(seed)
    names = data.Names(seed)
    index = 0
    while True:
        first, _middle, last = names.pick(rng)
        email = data.person_email(index + 5_000_000, first, last, rng)[0]
        phone = data.messy_phone(data.ng_phone(index + 5_000_000), rng)
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20_000))
        yield [
            f"NG-{index + 1:08d}",
            first,
            last,
            email,
            phone,
            f"{rng.randrange(1, 400)} {rng.choice(STREETS)}",
            rng.choice(CITIES),
            f"{last} & Sons Trading {index % 5000}",
            born,
            f"Met at the {rng.choice(CITIES)} fair, ref {rng.randrange(10**9)}",
        ]
        index += 1


def write_csv(path: Path) -> int:
    import csv

    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row in _people():
            writer.writerow(
                [value.isoformat() if isinstance(value, dt.date) else value for value in row]
            )
            rows += 1
            if rows % 1000 == 0 and handle.tell() >= TARGET_BYTES:
                break
    return rows


def write_vcf(path: Path) -> int:
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        for row in _people():
            external, first, last, email, phone, street, city, company, born, note = row
            handle.write(
                "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                f"N:{last};{first};;;\r\nFN:{first} {last}\r\nUID:{external}\r\n"
                f"EMAIL;TYPE=INTERNET:{email}\r\nTEL;TYPE=CELL:{phone}\r\n"
                f"ADR;TYPE=HOME:;;{street};{city};;;Nigeria\r\nORG:{company}\r\n"
                f"BDAY:{born.isoformat()}\r\nNOTE:{note}\r\nEND:VCARD\r\n"
            )
            rows += 1
            if rows % 1000 == 0 and handle.tell() >= TARGET_BYTES:
                break
    return rows


def write_xlsx(path: Path) -> int:
    """Calibrated on a sample: the rows that make about TARGET_BYTES packed."""
    import itertools

    from centric.imports.tests.files import write_xlsx as write

    sample = path.with_suffix(".sample.xlsx")
    write(sample, [HEADER, *itertools.islice(_people(), 20_000)])
    per_row = sample.stat().st_size / 20_000
    sample.unlink()
    rows = int(TARGET_BYTES / per_row * 0.97)
    write(path, [HEADER, *itertools.islice(_people(), rows)], dimension_rows=rows + 1)
    return rows


def write_hostile(folder: Path) -> dict[str, tuple[Path, str]]:
    from centric.imports.tests.files import (
        bomb_xlsx,
        many_members_zip,
        with_lying_sizes,
        xlsx_bytes,
    )

    files: dict[str, tuple[Path, str]] = {}

    def put(name: str, filename: str, content: bytes, file_format: str) -> None:
        path = folder / filename
        path.write_bytes(content)
        files[name] = (path, file_format)

    put("zip bomb (1 GB of blanks)", "bomb.xlsx", bomb_xlsx(1024 * 1024 * 1024), "xlsx")
    lying = with_lying_sizes(bomb_xlsx(256 * 1024 * 1024), "xl/worksheets/sheet1.xml", 1_000_000)
    put("zip bomb whose headers lie", "lying.xlsx", lying, "xlsx")
    put("zip of 5,000 members", "members.xlsx", many_members_zip(5000), "xlsx")
    header = [["Customer ID", "First Name", "Last Name"], ["NG-1", "Adaeze", "Okafor"]]
    strings = xlsx_bytes(header, extra_strings=(f"{n:07d}" for n in range(2_000_000)))
    put("5 MB workbook, 2,000,000 shared strings", "strings.xlsx", strings, "xlsx")
    put(
        "the same, its 2nd row using the last string",
        "strings-last.xlsx",
        _last_string_used(strings),
        "xlsx",
    )
    line = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Okafor;Chinedu;;;\r\nNOTE:"
        + b"A" * (10 * 1024 * 1024)
        + b"\r\nEND:VCARD\r\n"
    )
    put("10 MB vCard line", "line.vcf", line, "vcf")
    put(
        "PDF named .csv",
        "report.csv",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + os.urandom(200_000),
        "csv",
    )
    return files


def _last_string_used(content: bytes) -> bytes:
    """The workbook with its data row's first cell pointing at the last shared string, so that
    even the preview must read all of them."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                # 6 strings of the sheet's own, then the 2,000,000: the last is 2,000,005.
                data = data.replace(b'<c r="A2" t="s"><v>3</v>', b'<c r="A2" t="s"><v>2000005</v>')
                assert b"2000005" in data
            archive.writestr(info.filename, data)
    return buffer.getvalue()


def child(path: str, file_format: str, mode: str) -> None:
    """Run in the measured process: read the file as the request or the worker would."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "centric.settings")
    import django

    django.setup()
    from centric.imports.parsing import ImportFileError, open_table

    result: dict[str, object] = {"baseline_kb": _rss_kb()}
    started = time.perf_counter()
    try:
        if mode == "baseline":
            rows = 0
        elif mode == "preview":
            table = open_table(path, file_format, preview=True)
            rows = 0
            for rows, _row in enumerate(table.rows(), start=1):
                if rows >= 20:
                    break
            result["estimated_rows"] = table.estimated_rows
        else:
            table = open_table(path, file_format)
            rows = sum(1 for _row in table.rows())
        result["rows"] = rows
    except ImportFileError as error:
        result["refused"] = error.message
    result["seconds"] = round(time.perf_counter() - started, 2)
    # The high-water mark of this process's resident memory since it was exec'd (the parent's
    # ru_maxrss of a child also counts the forked copy of the parent before exec).
    result["peak_kb"] = _rss_kb("VmHWM")
    print(json.dumps(result))


def _rss_kb(field: str = "VmRSS") -> int:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    return 0


def measure(path: Path, file_format: str, mode: str) -> dict:
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.hostile", "--child", str(path), file_format, mode],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    process.wait()
    if process.returncode:
        return {"error": f"child exited {process.returncode}", "peak_mb": 0.0}
    result = json.loads(output.decode().strip().splitlines()[-1])
    result["peak_mb"] = result["peak_kb"] / 1024
    return result


def _describe(result: dict) -> str:
    if "error" in result:
        return result["error"]
    if "refused" in result:
        return f"refused in {result['seconds']} s: “{result['refused'][:90]}”"
    text = f"{result['rows']:,} rows in {result['seconds']} s"
    if result.get("estimated_rows"):
        text += f" (estimated {result['estimated_rows']:,})"
    return text


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    if args_list and args_list[0] == "--child":
        child(*args_list[1:4])
        return 0
    parser = argparse.ArgumentParser(
        prog="python -m bench hostile", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args(args_list)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "centric.settings")
    import django

    django.setup()
    from bench.env import machine_line
    from bench.measure import Result, Run

    machine = machine_line()
    print(f"machine: {machine}")
    folder = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    try:
        started = time.perf_counter()
        files: dict[str, tuple[Path, str]] = {}
        for name, writer, suffix in (
            ("CSV", write_csv, "csv"),
            ("XLSX", write_xlsx, "xlsx"),
            ("vCard", write_vcf, "vcf"),
        ):
            path = folder / f"people.{suffix}"
            rows = writer(path)
            files[f"50 MB {name} ({path.stat().st_size / 1e6:.1f} MB, {rows:,} rows)"] = (
                path,
                suffix,
            )
        hostile = write_hostile(folder)
        print(f"files written in {time.perf_counter() - started:.0f} s")
        baseline = measure(folder / "people.csv", "csv", "baseline")
        print(f"child at rest (Python + Django + the app): {baseline['peak_mb']:.0f} MB")
        run = Run(
            machine=machine,
            dataset=(
                "issue 9 hostile files: generated 48 MB CSV/XLSX/vCard of invented Nigerian "
                "customers and the hostile files, read in a fresh child process each "
                f"(child at rest: {baseline['peak_mb']:.0f} MB)"
            ),
        )
        for name, (path, file_format) in {**files, **hostile}.items():
            modes = ["preview", "whole"]
            for mode in modes:
                result = measure(path, file_format, mode)
                label = "upload (header + preview)" if mode == "preview" else "whole file (worker)"
                run.add(
                    Result(
                        name=f"{name}: {label}",
                        figure=f"peak {result['peak_mb']:.0f} MB; {_describe(result)}",
                        bar=f"≤ {BAR_MB} MB",
                        ok=None if "error" in result else result["peak_mb"] <= BAR_MB,
                    )
                )
                if "refused" in result:
                    break
        if not args.no_record:
            run.record()
            print("\nrecorded in bench/RESULTS.md")
        return 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
