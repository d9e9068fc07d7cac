"""Import jobs: one uploaded file, how its columns map to fields, and what happened to each row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordType(models.TextChoices):
    PEOPLE = "people", _("People")
    ORGANISATIONS = "organisations", _("Organisations")


class JobStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    MAPPED = "mapped", _("Mapped")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class MatchBy(models.TextChoices):
    EXTERNAL_ID = "external_id", _("External id column")
    EMAIL = "email", _("Email address")


class ColumnPolicy(models.TextChoices):
    """What a column does to a record that already exists (new records take every value)."""

    FILL_BLANKS = "fill_blanks", _("Fill blanks only")
    OVERWRITE = "overwrite", _("Overwrite")


class FileFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel (.xlsx)")
    VCF = "vcf", _("vCard (.vcf)")


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportJobQuerySet:
        """Jobs a user may see: their own; all of them with `imports.view_importjob` and
        `core.see_all_records` (administrators)."""
        if not user or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.has_perm("core.see_all_records"):
            return self if user.has_perm("imports.view_importjob") else self.none()
        if not (user.has_perm("imports.view_importjob") or user.has_perm("imports.add_importjob")):
            return self.none()
        return self.filter(created_by=user)


class ImportJob(models.Model):
    """One import of one file. Rows are written in batches; `processed` says how far it got, so a
    retried task resumes where the last committed batch ended."""

    record_type = models.CharField(_("record type"), max_length=20, choices=RecordType.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=300, blank=True)
    source_path = models.CharField(
        max_length=1000, blank=True, help_text=_("A file on the server (command-line imports).")
    )
    original_filename = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(max_length=10, choices=FileFormat.choices)
    encoding = models.CharField(max_length=30, blank=True)
    notes = models.TextField(_("notes"), blank=True, help_text=_("What the reader noticed."))
    status = models.CharField(
        _("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.UPLOADED
    )
    headers = models.JSONField(_("columns of the file"), default=list, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    match_by = models.CharField(
        _("match existing records by"),
        max_length=20,
        choices=MatchBy.choices,
        default=MatchBy.EXTERNAL_ID,
    )
    dry_run = models.BooleanField(_("dry run"), default=False)
    default_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner of new records"),
    )
    default_team = models.ForeignKey(
        settings.CENTRIC_TEAM_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("team of new records"),
        help_text=_("Empty: each new record takes its owner's team."),
    )
    # {column: ColumnPolicy} for the mapped columns that set a value on an existing record;
    # a column not named fills blanks only.
    column_policies = models.JSONField(_("what columns do to existing records"), default=dict)
    # When the file's rows were made (its last-modified time, or the user's correction): a
    # value staff edited after it is kept unless `overwrite_later_edits` (decision 0064). A
    # mapped "last modified" column gives each row its own time instead.
    rows_made_at = models.DateTimeField(_("file made at"), null=True, blank=True)
    overwrite_later_edits = models.BooleanField(
        _("overwrite values edited after the file was made"), default=False
    )
    # {value in the file: stage key, or "" for no stage}, confirmed on the mapping page.
    stage_mapping = models.JSONField(_("lifecycle stages of the file"), default=dict, blank=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # Rows imported with a value kept as typed that needs attention (ImportNotice).
    flagged = models.PositiveIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ImportJobQuerySet.as_manager()
    # Not stored: about how many rows the file holds, estimated when it was uploaded.
    estimated_rows: int | None = None

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="importjob_by_user")]

    def __str__(self) -> str:
        return f"{self.original_filename} ({self.get_status_display()})"

    @property
    def path(self) -> str:
        return self.source_path or self.file.path

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.is_finished else 0
        return min(100, int(self.processed * 100 / self.total))


class ImportRejection(models.Model):
    """A row that was not imported: its line in the file, why, and the row as it was."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rejections")
    line = models.PositiveIntegerField(_("line"))
    reason = models.TextField(_("reason"))
    raw = models.JSONField(_("row"), default=list)

    class Meta:
        ordering = ["job", "line", "id"]
        indexes = [models.Index(fields=["job", "line"], name="importrejection_job_line")]

    def __str__(self) -> str:
        return f"{self.line}: {self.reason}"


class NoticeKind(models.TextChoices):
    NEEDS_ATTENTION = "needs_attention", _("Needs attention")
    REWRITTEN = "rewritten", _("Rewritten")
    # Imported without this value: the record cannot hold it (a birthday without a year, a
    # stage the business does not have).
    NOT_SAVED = "not_saved", _("Not saved")
    # The record's value was kept: a member of staff edited it after the file's rows were made.
    KEPT = "kept", _("Kept: edited after the file")


class ImportNotice(models.Model):
    """A value of an imported row that was not taken as it stood: kept as typed on the record
    and marked as needing attention (a phone that is no number), rewritten (a number in a
    superseded numbering plan), or not saved (a value the record cannot hold). Its line and,
    where known, column in the file say where to look."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="notices")
    line = models.PositiveIntegerField(_("line"))
    column = models.CharField(_("column"), max_length=255)
    value = models.TextField(_("value as typed"))
    message = models.TextField(_("what happened"))
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)

    class Meta:
        ordering = ["job", "line", "id"]
        indexes = [models.Index(fields=["job", "line"], name="importnotice_job_line")]

    def __str__(self) -> str:
        return f"{self.line} {self.column}: {self.message}"


class ImportTemplateQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportTemplateQuerySet:
        """Templates are shared by everyone who may import: a mapping names columns and
        fields, never a customer."""
        if not user or not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.has_perm("imports.add_importjob"):
            return self.none()
        return self


class ImportTemplate(models.Model):
    """A saved mapping for the next file of the same shape: which field each column goes into,
    how rows match, what each column does to existing records, and who owns new records.
    A file whose headers are the same set as the template's is offered it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    record_type = models.CharField(_("record type"), max_length=20, choices=RecordType.choices)
    headers = models.JSONField(_("columns"), default=list)
    mapping = models.JSONField(_("column mapping"), default=dict)
    match_by = models.CharField(max_length=20, choices=MatchBy.choices, default=MatchBy.EXTERNAL_ID)
    column_policies = models.JSONField(default=dict, blank=True)
    overwrite_later_edits = models.BooleanField(default=False)
    stage_mapping = models.JSONField(default=dict, blank=True)
    default_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner of new records"),
    )
    default_team = models.ForeignKey(
        settings.CENTRIC_TEAM_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("team of new records"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ImportTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def header_set(self) -> frozenset[str]:
        return frozenset(h.strip().lower() for h in self.headers)
