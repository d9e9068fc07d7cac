"""FEBRL side by side: Centric's matcher, splink 5 (DuckDB) and recordlinkage (ECM).

The three run in a virtualenv of their own, bench/identity/.venv-compare, which this module
creates and fills from requirements-compare.txt the first time (pinned versions; the app's
.venv stays free of splink and recordlinkage). Each tool runs in its own process so one's
imports and caches do not help another's time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VENV = HERE / ".venv-compare"
REQUIREMENTS = HERE / "requirements-compare.txt"
STAMP = VENV / "requirements-compare.txt"
TASKS = ("febrl4", "febrl3")
BARS = {"febrl4": 0.995, "febrl3": 0.985}
LABELS = {"febrl4": "FEBRL4 link", "febrl3": "FEBRL3 dedupe"}


def python() -> Path:
    return VENV / "bin" / "python"


def ensure_venv() -> Path:
    """Create the comparison virtualenv and install the pinned packages (once per pin set)."""
    wanted = REQUIREMENTS.read_text()
    if python().exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return python()
    print(f"creating {VENV.relative_to(ROOT)} (splink, recordlinkage; a minute or two) …")
    started = time.perf_counter()
    if not python().exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    subprocess.run(
        [str(python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-r", str(REQUIREMENTS)],
        check=True,
    )  # fmt: skip
    STAMP.write_text(wanted)
    print(f"  installed in {time.perf_counter() - started:.0f} s")
    return python()


def _run(module: str, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    completed = subprocess.run(
        [str(python()), "-m", module, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        return {"error": (completed.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def run() -> dict[str, list[dict]]:
    ensure_venv()
    outcomes: dict[str, list[dict]] = {}
    for task in TASKS:
        rows = []
        for module, args in (
            ("bench.identity.febrl", (task,)),
            ("bench.identity.others", ("splink", task)),
            ("bench.identity.others", ("recordlinkage", task)),
        ):
            load = os.getloadavg()[0]
            outcome = _run(module, *args)
            outcome.setdefault("tool", args[0] if module.endswith("others") else "Centric")
            outcome["load"] = f"{load:.1f}"
            rows.append(outcome)
        outcomes[task] = rows
    return outcomes


def table(outcomes: dict[str, list[dict]]) -> list[str]:
    lines = []
    for task, rows in outcomes.items():
        lines.append(f"{LABELS[task]} (true pairs: {rows[0].get('truth', '?')}; bar for Centric "
                     f"F1 ≥ {BARS[task]})")  # fmt: skip
        lines.append(
            f"  {'tool':34} {'precision':>9} {'recall':>7} {'F1':>7} {'time':>7} {'load':>5}"
        )
        for row in rows:
            if "error" in row:
                lines.append(f"  {row['tool']:34} failed: {row['error']}")
                continue
            lines.append(
                f"  {row['tool']:34} {row['precision']:9.4f} {row['recall']:7.4f} "
                f"{row['f1']:7.4f} {row['seconds']:6.1f}s {row['load']:>5}"
            )
    return lines


if __name__ == "__main__":
    print("\n".join(table(run())))
    sys.exit(0)
