"""Is a background worker running? The worker's heartbeat, and the notice a queued job shows.

`centric worker` writes a `WorkerHeartbeat` row when it starts and every `HEARTBEAT_SECONDS`
after (from a thread, so a long import or resolution keeps beating), and marks it stopped when
it exits. A queued job whose page finds no heartbeat newer than `STALE_SECONDS` says that no
worker runs and how to start one, instead of "Queued" forever (decision 0058).

Only the database task backend needs a worker: with the immediate backend
(`CENTRIC_IMMEDIATE_TASKS`) a task runs inside the request and there is nothing to wait for.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from dataclasses import dataclass
from types import TracebackType

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

from centric.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5
STALE_SECONDS = 30
# Rows of workers gone longer than this are removed when a worker starts.
FORGET_AFTER = dt.timedelta(days=7)
WORKER_COMMAND = "centric worker"
MAKE_TARGET = "make worker"
DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


@dataclass(frozen=True)
class WorkerNotice:
    """What a page or the API says when no worker will pick a queued job up."""

    command: str
    make_target: str
    last_seen_at: dt.datetime | None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "command": self.command,
            "make_target": self.make_target,
            "last_seen_at": self.last_seen_at.isoformat() if self.last_seen_at else None,
            "message": (
                "No background worker is running, so this job waits in the queue. "
                f"Start one on the server with `{self.command}` (`{self.make_target}` in a checkout)."
            ),
        }


def tasks_need_a_worker() -> bool:
    """True when tasks wait in the database queue for `centric worker` (the default)."""
    backend = str(settings.TASKS.get("default", {}).get("BACKEND", ""))
    return backend == DATABASE_BACKEND


def worker_heartbeat_beat(*, worker_id: str, queues: str = "*") -> WorkerHeartbeat:
    """Record that the worker `worker_id` is alive now (one row per worker, behind its unique id)."""
    now = timezone.now()
    heartbeat, created = WorkerHeartbeat.objects.get_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "queues": queues[:255],
            "started_at": now,
            "seen_at": now,
        },
    )
    if not created:
        WorkerHeartbeat.objects.filter(pk=heartbeat.pk).update(seen_at=now, stopped_at=None)
        heartbeat.seen_at, heartbeat.stopped_at = now, None
    return heartbeat


def worker_heartbeat_stop(*, worker_id: str) -> None:
    """Mark the worker stopped: its jobs' pages stop counting on it at once."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(stopped_at=timezone.now())


def worker_heartbeats_forget(*, now: dt.datetime | None = None) -> int:
    """Remove rows of workers not seen for a week; returns how many went."""
    cutoff = (now or timezone.now()) - FORGET_AFTER
    deleted, _ = WorkerHeartbeat.objects.filter(seen_at__lt=cutoff).delete()
    return deleted


def worker_is_alive(*, now: dt.datetime | None = None) -> bool:
    """A worker reported itself within `STALE_SECONDS` and has not stopped."""
    cutoff = (now or timezone.now()) - dt.timedelta(seconds=STALE_SECONDS)
    return WorkerHeartbeat.objects.filter(seen_at__gte=cutoff, stopped_at__isnull=True).exists()


def worker_missing_notice(*, now: dt.datetime | None = None) -> WorkerNotice | None:
    """The notice for a queued job, or None when a worker will pick it up (or none is needed)."""
    if not tasks_need_a_worker() or worker_is_alive(now=now):
        return None
    last = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    return WorkerNotice(command=WORKER_COMMAND, make_target=MAKE_TARGET, last_seen_at=last)


class Heartbeat:
    """Beats for a worker while the `with` block runs: once at once, then from a daemon thread."""

    def __init__(
        self, *, worker_id: str, queues: str = "*", interval: float = HEARTBEAT_SECONDS
    ) -> None:
        self.worker_id = worker_id
        self.queues = queues
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="worker-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        worker_heartbeats_forget()
        worker_heartbeat_beat(worker_id=self.worker_id, queues=self.queues)
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 5)
        try:
            worker_heartbeat_stop(worker_id=self.worker_id)
        except DatabaseError:
            logger.warning("Could not mark worker %s stopped", self.worker_id, exc_info=True)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    worker_heartbeat_beat(worker_id=self.worker_id, queues=self.queues)
                except DatabaseError:
                    # A busy SQLite file or a dropped connection: the next beat tries again.
                    logger.warning("Worker heartbeat failed", exc_info=True)
                finally:
                    connections.close_all()
        finally:
            connections.close_all()
