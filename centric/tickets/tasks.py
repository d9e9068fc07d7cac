"""Background work of the service desk (run by `centric worker`)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from centric.core.schedule import ensure_scheduled

SCAN_EVERY = dt.timedelta(minutes=1)


@task()
def sla_scan() -> dict[str, int]:
    """Warn before and escalate on SLA breaches; books its next run a minute on, whatever
    happens in this one."""
    from centric.tickets.sla import scan

    try:
        result = scan()
    finally:
        ensure_scheduled(sla_scan, timezone.now() + SCAN_EVERY)
    return {"warned": result.warned, "breached": result.breached, "escalated": result.escalated}


@task()
def replan_slas() -> int:
    """Apply changed policies and calendars to the open tickets (after a settings change)."""
    from centric.tickets.sla_settings import replan_open_tickets

    return replan_open_tickets()


def book_sla_scan() -> None:
    """The first run, when the worker starts (see `core.schedule.repeat_on_worker_start`)."""
    ensure_scheduled(sla_scan, timezone.now())
