"""Work that repeats without a scheduler: a task that books its own next run.

`ensure_scheduled(task, when)` enqueues `task` to run at `when` unless a run of it is already
waiting in the database queue, so calling it on every start or every save books one run, not
many. The immediate backend (development) cannot defer: there nothing is booked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django_tasks import task_backends

from centric.core.workers import DATABASE_BACKEND


def _waiting(task: Any) -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task.module_path, status="READY").exists()


def ensure_scheduled(task: Any, when: dt.datetime) -> bool:
    """Book `task` at `when` if no run of it waits already; True when one was booked."""
    backend = task_backends[task.backend]
    if not backend.supports_defer:
        return False
    if settings.TASKS[task.backend]["BACKEND"] == DATABASE_BACKEND and _waiting(task):
        return False
    task.using(run_after=when).enqueue()
    return True


# Work that repeats on its own once booked (the SLA scan, every minute): each app registers
# how to book its first run, and `centric worker` books them all when it starts, so a fresh
# install, or a chain broken by a crash, starts again with the worker.
_ON_WORKER_START: list[Callable[[], Any]] = []


def repeat_on_worker_start(book: Callable[[], Any]) -> None:
    """Register how to book a repeating task's first run (from an app's `ready`)."""
    if book not in _ON_WORKER_START:
        _ON_WORKER_START.append(book)


def book_repeating() -> None:
    """Book every registered repeating task that has no run waiting."""
    for book in _ON_WORKER_START:
        book()
