"""Background tasks of the in-house framework (run by `centric worker`)."""

from django_tasks import task

from centric.core.api.idempotency import idempotency_records_purge


@task()
def idempotency_purge() -> int:
    """Delete expired Idempotency-Key records; safe to run twice (the second finds none)."""
    return idempotency_records_purge()
