"""`centric import people FILE` / `centric import organisations FILE`: the import, in-process.

Uses the same pipeline as the pages (`import_file` -> `job_run`), prints the summary and the
rejected rows, and exits non-zero only when the file itself cannot be imported.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from centric.imports.models import ImportTemplate, JobStatus, MatchBy, RecordType
from centric.imports.parsing import ImportFileError
from centric.imports.services import import_file
from centric.imports.services.templates import template_create
from centric.imports.services.updates import parse_modified


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
        parser.add_argument(
            "--owner", help="Username of the owner of new records (an Owner column wins per row)."
        )
        parser.add_argument(
            "--team",
            help="Name of the team of new records (default: each owner's team; a Team column "
            "wins per row).",
        )
        parser.add_argument(
            "--overwrite",
            action="append",
            default=[],
            metavar="COLUMN",
            help="This column overwrites existing records' values (repeatable); the other "
            "columns fill blanks only.",
        )
        parser.add_argument(
            "--file-made-at",
            help="When the file's rows were made (ISO 8601, e.g. 2026-11-30T09:00); staff "
            "edits after it are kept. Default: the file's modification time. A mapped Last "
            "modified column gives each row its own time.",
        )
        parser.add_argument(
            "--overwrite-later-edits",
            action="store_true",
            help="Overwrite values staff edited after the file was made, too.",
        )
        parser.add_argument(
            "--stage",
            action="append",
            default=[],
            metavar="VALUE=STAGE",
            help="The stage key a stage value of the file becomes, e.g. 'Evangelist=customer' "
            "('Other=' for no stage); repeatable.",
        )
        parser.add_argument("--template", help="Apply the saved import template of this name.")
        parser.add_argument(
            "--save-template", metavar="NAME", help="Save this import's mapping as a template."
        )
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, **options):
        owner = None
        if options["owner"]:
            owner = get_user_model().objects.filter(username=options["owner"]).first()
            if owner is None:
                raise CommandError(f"There is no user {options['owner']!r}.")
        team = None
        if options["team"]:
            from django.apps import apps
            from django.conf import settings

            team_model = apps.get_model(settings.CENTRIC_TEAM_MODEL)
            team = team_model._default_manager.filter(name__iexact=options["team"]).first()
            if team is None:
                raise CommandError(f"There is no team {options['team']!r}.")
        template = None
        if options["template"]:
            template = ImportTemplate.objects.filter(name__iexact=options["template"]).first()
            if template is None:
                raise CommandError(f"There is no import template {options['template']!r}.")
        made_at = None
        if options["file_made_at"]:
            made_at = parse_modified(options["file_made_at"])
            if made_at is None:
                raise CommandError(
                    f"--file-made-at takes a date and time such as 2026-11-30T09:00, "
                    f"not {options['file_made_at']!r}."
                )
        stages = {}
        for item in options["stage"]:
            if "=" not in item:
                raise CommandError(f"--stage takes VALUE=STAGE, not {item!r}.")
            value, key = item.split("=", 1)
            stages[value.strip()] = key.strip()
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
                team=team,
                overwrite=options["overwrite"],
                rows_made_at=made_at,
                overwrite_later_edits=options["overwrite_later_edits"],
                stage_mapping=stages,
                template=template,
                batch_size=max(1, options["batch_size"]),
            )
            if options["save_template"]:
                saved = template_create(actor=None, job=job, name=options["save_template"])
                self.stdout.write(f"Saved the mapping as the template {saved.name!r}.")
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
                "Values kept as typed, rewritten, not saved or kept from later edits "
                f"({job.flagged} rows need attention):"
            )
            for notice in job.notices.all().iterator():
                self.stdout.write(f"  line {notice.line}, {notice.column}: {notice.message}")
