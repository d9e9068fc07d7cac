"""The import task through the real django_tasks_db backend and its worker."""

import pytest
from django.core.management import call_command
from django.db import transaction

from centric.customers.models import Person
from centric.imports.models import ImportJob, JobStatus
from centric.imports.services import job_start
from centric.imports.services.jobs import job_run


@pytest.mark.django_db(transaction=True)
def test_enqueued_import_is_run_by_the_worker(write_file, make_user):
    from django_tasks_db.models import DBTaskResult

    from centric.imports.services import import_file

    user = make_user("worker-test", role="Manager")
    path = write_file("p.csv", "id,First name,Last name\nA1,Ada,Okafor\nA2,Bayo,Adeyemi\n")
    job = import_file(path=path, record_type="people", dry_run=True, actor=user)
    assert Person.objects.count() == 0

    with transaction.atomic():
        job_start(job=job, dry_run=False, actor=user)
    assert DBTaskResult.objects.count() == 1

    # `centric worker` (not db_worker itself): it gives the test its signal handlers back
    call_command("worker", batch=True, interval=0, verbosity=0)

    job.refresh_from_db()
    assert (job.status, job.created, job.processed, job.total) == (JobStatus.DONE, 2, 2, 2)
    assert Person.objects.count() == 2
    result = DBTaskResult.objects.get()
    assert result.status == "SUCCESSFUL"
    from centric.core.models import AuditEvent

    event = AuditEvent.objects.get(kind="import")
    assert (event.actor, event.detail["created"], event.detail["job"]) == (user, 2, job.pk)


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_large_import_with_its_preparing_processes(
    write_file, make_user, settings
):
    """A large import prepares rows in forked processes; run by the worker, they inherit its
    SIGTERM handler, and the import must still finish (see preparing._default_signals)."""
    import io

    from centric.imports.services import import_file

    settings.CENTRIC_IMPORT_PARALLEL_MIN_ROWS = 0
    settings.CENTRIC_IMPORT_WORKERS = 2
    user = make_user("worker-test", role="Manager")
    lines = ["id,First name,Last name,Phone"]
    lines += [f"B{n},Name{n},Okafor,0803 {n:07d}" for n in range(1, 2501)]
    path = write_file("many.csv", "\n".join(lines) + "\n")
    job = import_file(path=path, record_type="people", dry_run=True, actor=user)
    with transaction.atomic():
        job_start(job=job, dry_run=False, actor=user)

    call_command("worker", batch=True, interval=0, stdout=io.StringIO(), stderr=io.StringIO())

    job.refresh_from_db()
    assert (job.status, job.created, job.rejected) == (JobStatus.DONE, 2500, 0)
    assert Person.objects.filter(primary_phone="+2348030002500").exists()


@pytest.mark.django_db
def test_run_is_idempotent_and_resumes_after_the_last_committed_batch(write_file):
    from centric.imports.services import import_file

    path = write_file(
        "p.csv", "id,First name,Last name\nA1,Ada,Okafor\nA2,Bayo,Adeyemi\nA3,Chi,Eze\nA1,Dup,Dup\n"
    )
    job = import_file(path=path, record_type="people", dry_run=True)
    # Simulate a worker that died after committing the first batch of one row.
    Person.objects.create(first_name="Ada", last_name="Okafor", external_id="A1")
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, dry_run=False, processed=1, created=1, rejected=0, total=4
    )
    job.rejections.all().delete()

    job_run(job_id=job.pk, batch_size=1)
    job_run(job_id=job.pk, batch_size=1)  # a retry of a finished job changes nothing

    job.refresh_from_db()
    assert (job.status, job.processed, job.created, job.rejected) == (JobStatus.DONE, 4, 3, 1)
    assert Person.objects.count() == 3
    assert "first on line 2" in job.rejections.get().reason
