"""Preparing an import's rows in forked worker processes while the importing process writes.

`RowPreparer.prepare` needs no database, so the children never touch the parent's connection;
the rows come back in file order, without the raw values the parent still has.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Generator, Iterable, Iterator
from typing import TYPE_CHECKING

from centric.imports.services.rows import PreparedRow, RowPreparer, RowRejected

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult

    from centric.imports.parsing import Row


_WORKER_PREPARER: RowPreparer | None = None


PreparedResult = tuple[int, list[str], PreparedRow | None, str]
# (line, values, error, the reader's notices) of a row sent to a preparing process.
ChunkRow = tuple[int, list[str], str, list[dict[str, str]]]


_NOT_SENT: list[str] = []


def _prepare_chunk(chunk: list[ChunkRow]) -> list[PreparedResult]:
    results: list[PreparedResult] = []
    for line, values, error, notices in chunk:
        if error:
            results.append((line, values, None, error))
            continue
        assert _WORKER_PREPARER is not None  # set by prepared_rows before any chunk
        try:
            results.append((line, values, _WORKER_PREPARER.prepare(line, values, notices), ""))
        except RowRejected as rejection:
            results.append((line, values, None, rejection.reason))
    return results


def _prepare_in_worker(chunk: list[ChunkRow]) -> list[PreparedResult]:
    """`_prepare_chunk` in a worker: the results go back without the raw values, which the
    importing process still has and puts back (`_with_values`)."""
    return [
        (line, _NOT_SENT, prepared, reason) for line, _v, prepared, reason in _prepare_chunk(chunk)
    ]


def _with_values(chunk: list[ChunkRow], results: list[PreparedResult]) -> Iterator[PreparedResult]:
    """A worker's results with the chunk's raw values put back (on the rows too)."""
    for (line, values, _error, _notices), (_line, _sent, prepared, reason) in zip(
        chunk, results, strict=True
    ):
        if prepared is not None:
            prepared.raw = values
        yield line, values, prepared, reason


def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[ChunkRow]]:
    chunk: list[ChunkRow] = []
    for row in rows:
        chunk.append((row.line, row.values, row.error, row.notices))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def prepared_rows(
    preparer: RowPreparer, rows: Iterable[Row], *, workers: int = 1, chunk_size: int = 1000
) -> Generator[PreparedResult, None, None]:
    """(line, values, PreparedRow or None, rejection reason) for each row, in file order.

    With workers > 1 the normalising (phonenumbers, email validation: most of an import's CPU
    time) runs in forked worker processes while this process writes to the database. `prepare`
    needs no database, so the children never touch the parent's connection.
    """
    global _WORKER_PREPARER
    _WORKER_PREPARER = preparer
    if workers <= 1:
        for chunk in _chunks(rows, chunk_size):
            yield from _prepare_chunk(chunk)
        return
    import multiprocessing
    from collections import deque

    context = multiprocessing.get_context("fork")
    pool = context.Pool(workers, initializer=_default_signals)
    try:
        pending: deque[tuple[list[ChunkRow], AsyncResult[list[PreparedResult]]]] = deque()
        for chunk in _chunks(rows, chunk_size):
            pending.append((chunk, pool.apply_async(_prepare_in_worker, (chunk,))))
            if len(pending) >= workers * 3:
                sent, result = pending.popleft()
                yield from _with_values(sent, result.get())
        while pending:
            sent, result = pending.popleft()
            yield from _with_values(sent, result.get())
        # All done: the workers leave on their own. Only a failed or abandoned import has
        # its pool stopped by signal (terminate, below).
        pool.close()
        pool.join()
    finally:
        pool.terminate()


def _default_signals() -> None:
    """A preparing process answers to its pool, not to the signals sent to its parent's group.

    It leaves the importing process's process group, so stopping `centric worker` (SIGTERM to
    the group, from `centric serve` or a service manager) reaches only the worker, which finishes
    its task with its preparing processes still there. And it takes the default SIGTERM instead
    of the worker's inherited handler (which waits for the task), so the pool's own terminate()
    stops it. Ctrl-C is the importing process's to handle."""
    os.setpgrp()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
