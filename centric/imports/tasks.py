"""Background tasks of the imports app (run by `centric worker`)."""

from django_tasks import task

from centric.imports.services.jobs import job_run


@task()
def import_run(job_id: int) -> str:
    """Run or resume one import job; safe to retry (see `job_run`)."""
    job = job_run(job_id=job_id)
    return job.status if job is not None else "missing"
