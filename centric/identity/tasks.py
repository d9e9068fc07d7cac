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


@task()
def bulk_merge_process(bulk_merge_id: int) -> dict:
    """Merge (or undo) the groups of one "accept all above a confidence" action. Safe to retry:
    each group or merge is handled once, in its own transaction."""
    from centric.identity.models import BulkMerge
    from centric.identity.services.review import bulk_merge_run, bulk_merge_undo_run

    batch = BulkMerge.objects.filter(pk=bulk_merge_id).first()
    if batch is None:
        return {"skipped": True}
    try:
        if batch.status in (BulkMerge.Status.UNDO_QUEUED, BulkMerge.Status.UNDOING):
            done = bulk_merge_undo_run(batch_id=bulk_merge_id)
        else:
            done = bulk_merge_run(batch_id=bulk_merge_id)
    except Exception as error:
        logger.exception("Bulk merge %s failed", bulk_merge_id)
        BulkMerge.objects.filter(pk=bulk_merge_id).update(
            status=BulkMerge.Status.FAILED, error=str(error)[:2000]
        )
        raise
    return {"status": done.status if done else None}
