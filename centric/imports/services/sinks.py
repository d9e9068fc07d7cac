"""Where an import's batches go once read: written in the reading thread (`InlineWriter`) or
in another one (`BackgroundWriter`), the next batch staged while the last one is written."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import connection, connections

from centric.imports.services.staging import StagedBatch

Stage = Callable[[], StagedBatch]
Write = Callable[[StagedBatch | None], object]


def write_in_background(workers: int) -> bool:
    """A large import on PostgreSQL writes from a second thread (see BackgroundWriter); not
    inside a caller's transaction, whose uncommitted rows another connection could not see."""
    return (
        workers > 1
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and getattr(settings, "CENTRIC_IMPORT_WRITE_IN_BACKGROUND", True)
    )


class InlineWriter:
    """Writes each batch as it is handed over (the writer stages it then)."""

    def submit(self, stage: Stage, write: Write) -> None:
        write(None)

    def close(self) -> None:
        return None


class BackgroundWriter:
    """Writes batches one after another in one other thread, with its own database connection,
    so PostgreSQL stores one batch (index upkeep is most of an import's database time) while
    this thread reads, checks and stages the next (`BatchWriter.stage`: its matches read, its
    new records' COPY lines finished). Batches stay in file order and each commits its own
    progress, so resuming works as before; an error in a batch is raised here at the next
    hand-over (or at close) and the batches behind it are not written."""

    def __init__(self, ahead: int = 2) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer")
        self.pending: deque[Future[object]] = deque()
        self.ahead = ahead

    def submit(self, stage: Stage, write: Write) -> None:
        staged = stage()
        staged.ahead = True
        while len(self.pending) >= self.ahead:
            self._wait_oldest()
        self.pending.append(self.executor.submit(write, staged))

    def _wait_oldest(self) -> None:
        try:
            self.pending.popleft().result()
        except BaseException:
            for future in self.pending:
                future.cancel()
            raise

    def close(self) -> None:
        try:
            while self.pending:
                self._wait_oldest()
        finally:
            self.executor.submit(connections.close_all).result()
            self.executor.shutdown(wait=True)
