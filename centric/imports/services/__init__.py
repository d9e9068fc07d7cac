"""Imports: upload, map, preview, dry-run and run (services), in bulk batches."""

from centric.imports.services.jobs import (  # noqa: F401
    import_file,
    job_configure,
    job_create,
    job_preview,
    job_run,
    job_start,
)

__all__ = ["import_file", "job_configure", "job_create", "job_preview", "job_run", "job_start"]
