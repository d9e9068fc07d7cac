"""`centric import people FILE` / `centric import organisations FILE`: the import, in-process.

Uses the same pipeline as the pages (`import_file` -> `job_run`), prints the summary and the
rejected rows, and exits non-zero only when the file itself cannot be imported.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from centric.imports.models import JobStatus, MatchBy, RecordType
from centric.imports.parsing import ImportFileError
from centric.imports.services import import_file


class Command(BaseCommand):
    help = "Import people or organisations from a CSV, Excel (.xlsx) or vCard (.vcf) file."

    def add_arguments(self, parser):
        parser.add_argument("record_type", choices=RecordType.values)
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and count; save nothing."
        )
        parser.add_argument(
            "--match-by",
            choices=MatchBy.values,
            default=MatchBy.EXTERNAL_ID,
            help="Match rows to existing records by the external id column (default) or email.",
        )
        parser.add_argument(
            "--mapping",
            nargs="*",
            default=[],
            metavar="COLUMN=FIELD",
            help="Override the suggested field of a column, e.g. 'Mobile=whatsapp' or 'Notes='.",
        )
        parser.add_argument("--owner", help="Username of the owner of new records.")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, **options):
        owner = None
        if options["owner"]:
            owner = get_user_model().objects.filter(username=options["owner"]).first()
            if owner is None:
                raise CommandError(f"There is no user {options['owner']!r}.")
        mapping = {}
        for item in options["mapping"]:
            if "=" not in item:
                raise CommandError(f"--mapping takes COLUMN=FIELD, not {item!r}.")
            column, target = item.split("=", 1)
            mapping[column.strip()] = target.strip()
        try:
            job = import_file(
                path=options["file"],
                record_type=options["record_type"],
                mapping=mapping,
                match_by=options["match_by"],
                dry_run=options["dry_run"],
                owner=owner,
                batch_size=max(1, options["batch_size"]),
            )
        except ImportFileError as error:
            raise CommandError(error.message) from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if job.status == JobStatus.FAILED:
            raise CommandError(job.error)
        for note in job.notes.splitlines():
            self.stdout.write(self.style.WARNING(note))
        prefix = "Dry run (nothing saved): " if job.dry_run else ""
        self.stdout.write(
            f"{prefix}{job.total} rows: {job.created} created, {job.updated} updated, "
            f"{job.unchanged} unchanged, {job.rejected} rejected."
        )
        if job.rejected:
            self.stdout.write("Rejected rows:")
            for rejection in job.rejections.all().iterator():
                self.stdout.write(f"  line {rejection.line}: {rejection.reason}")
        if job.notices.exists():
            self.stdout.write(
                f"Values kept as typed, rewritten or not saved ({job.flagged} rows need attention):"
            )
            for notice in job.notices.all().iterator():
                self.stdout.write(f"  line {notice.line}, {notice.column}: {notice.message}")
