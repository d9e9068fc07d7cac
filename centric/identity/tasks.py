"""Background work for identity resolution (run by `centric worker`)."""

from __future__ import annotations

import logging

from django_tasks import task

from centric.identity.models import ResolutionRun

logger = logging.getLogger(__name__)


@task()
def resolve_people(run_id: int) -> dict:
    """Run a full resolution. Safe to retry: each run replaces the pending review queue."""
    from centric.identity.services.resolution import resolution_run

    run = ResolutionRun.objects.filter(pk=run_id).first()
    if run is None or run.status == ResolutionRun.Status.DONE:
        return {"skipped": True}
    try:
        summary = resolution_run(run=run)
    except Exception as error:
        logger.exception("Resolution run %s failed", run_id)
        ResolutionRun.objects.filter(pk=run_id).update(
            status=ResolutionRun.Status.FAILED, error=str(error)[:2000]
        )
        raise
    summary.pop("result", None)
    return summary
