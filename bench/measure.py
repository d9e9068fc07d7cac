"""Timing, percentiles, and the dated entries in bench/RESULTS.md."""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
MARKER = "<!-- entries: newest first -->"


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 200 samples is the 190th smallest)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Timings:
    samples_ms: list[float] = field(default_factory=list)
    planned: int = 0
    stopped_early: bool = False

    @property
    def p50(self) -> float:
        return percentile(self.samples_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples_ms, 95)

    @property
    def p99(self) -> float:
        return percentile(self.samples_ms, 99)

    @property
    def max(self) -> float:
        return max(self.samples_ms) if self.samples_ms else math.nan

    def summary(self) -> str:
        return (
            f"p95 {self.p95:.1f} ms (p50 {self.p50:.1f}, p99 {self.p99:.1f}, "
            f"max {self.max:.1f}; n={len(self.samples_ms)}"
            + (f" of {self.planned}, time budget reached" if self.stopped_early else "")
            + ")"
        )


BUDGET_S = 60.0


def time_calls(
    items: Iterable,
    call: Callable,
    *,
    warmup: int = 0,
    on_each: Callable | None = None,
    budget_s: float = BUDGET_S,
) -> Timings:
    """Call `call(item)` for each item and time each call; the first `warmup` calls are not kept.

    A series stops when it has used `budget_s` (a badly missed bar would otherwise keep
    `make bench` busy for half an hour); the items are in random order, so the percentiles of
    the calls made are still a fair estimate, and the summary says how many were made.
    """
    timings = Timings()
    items = list(items)
    timings.planned = len(items)
    deadline = time.perf_counter() + budget_s
    for position, item in enumerate(items):
        started = time.perf_counter()
        outcome = call(item)
        elapsed = (time.perf_counter() - started) * 1000
        if on_each is not None:
            on_each(item, outcome, elapsed)
        if position >= warmup:
            timings.samples_ms.append(elapsed)
        if time.perf_counter() > deadline and position + 1 < len(items):
            timings.stopped_early = True
            break
    return timings


@dataclass
class Result:
    name: str
    figure: str
    bar: str
    ok: bool | None  # None: not measured (explained in `note`)
    note: str = ""
    load: str = field(default="")

    @property
    def verdict(self) -> str:
        if self.ok is None:
            return "not measured"
        return "meets the bar" if self.ok else "MISSES the bar"


@dataclass
class Run:
    machine: str
    dataset: str
    results: list[Result] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def add(self, result: Result) -> Result:
        from bench.env import load_average

        result.load = result.load or load_average()
        self.results.append(result)
        print(f"  {result.name}: {result.figure} — bar {result.bar} — {result.verdict}")
        if result.note:
            print(f"    {result.note}")
        print(f"    machine: {self.machine}; {result.load}")
        return result

    def markdown(self) -> str:
        lines = [
            f"## {self.started:%Y-%m-%d %H:%M} UTC",
            "",
            f"- Machine: {self.machine}",
            f"- Dataset: {self.dataset}",
            "",
            "| benchmark | figure | bar | verdict | load when measured |",
            "|---|---|---|---|---|",
        ]
        for result in self.results:
            lines.append(
                f"| {result.name} | {result.figure} | {result.bar} | {result.verdict} "
                f"| {result.load.split(' — ')[0]} |"
            )
        notes = [f"{r.name}: {r.note}" for r in self.results if r.note] + self.notes
        if notes:
            lines.append("")
            lines.extend(f"- {note}" for note in notes)
        lines.append("")
        return "\n".join(lines)

    def record(self, path: Path = RESULTS) -> None:
        if not self.results:
            return
        text = path.read_text() if path.exists() else f"# Benchmark results\n\n{MARKER}\n"
        if MARKER not in text:
            text = text.rstrip("\n") + f"\n\n{MARKER}\n"
        head, tail = text.split(MARKER, 1)
        path.write_text(f"{head}{MARKER}\n\n{self.markdown()}\n{tail.lstrip(chr(10))}")
