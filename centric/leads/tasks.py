"""Background work of leads (run by `centric worker`)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from centric.core.schedule import ensure_scheduled


@task()
def rescore_leads() -> int:
    """Score every open lead again; safe to run twice."""
    from centric.leads.services import rescore_all

    return rescore_all()


@task()
def rescore_leads_daily() -> int:
    """The daily rescoring (behaviour points decay), which books the next day's run itself."""
    from centric.leads.services import rescore_all

    done = rescore_all()
    ensure_scheduled(rescore_leads_daily, timezone.now() + dt.timedelta(days=1))
    return done
