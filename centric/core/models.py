"""The in-house framework's tables: base model, visibility policy, audit log, idempotency."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centric.core.visibility import VisibilityLevel, VisibleQuerySet

# A manager class (not `as_manager()`), which django-stubs can type on an abstract model.
VisibleManager = models.Manager.from_queryset(VisibleQuerySet)


class TimeStampedModel(models.Model):
    """Created/updated stamps that every business record carries."""

    # No index of its own: every write (an import writes a million rows) pays for each index,
    # so the models that sort or filter by it say so in their Meta (e.g. person_newest).
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OwnedRecord(TimeStampedModel):
    """The base of every owned business record (people, organisations, deals, tickets…).

    - `owner` and `team` feed the one visibility rule (`objects.visible_to(user, action)`);
      the team model is `settings.CENTRIC_TEAM_MODEL`, so core names no domain app.
    - `version` implements optimistic concurrency: an edit names the version it started from,
      and is refused if someone saved in between (see `core.kit.check_version`).
    - `external_id` is the id the record has in another system (unique when set).
    - `custom_fields` holds the values of the business's custom fields for the record type.
    A concrete model adds its own fields, its `tags` many-to-many and its `history`; its Meta
    extends `OwnedRecord.Meta` to keep the constraints (names use the model's class name).
    """

    external_id = models.CharField(_("external id"), max_length=100, null=True, blank=True)
    # Indexed by an (owner, team) index each model declares, which also serves owner lookups.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
        db_index=False,
    )
    # No index of its own: with one, PostgreSQL intersects the whole team's rows with every name
    # search (a bitmap of ~400,000 rows at 1M people); the (owner, team) index stays.
    team = models.ForeignKey(
        settings.CENTRIC_TEAM_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("team"),
        db_index=False,
    )
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = VisibleManager()

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=Q(external_id__isnull=False),
                name="%(class)s_unique_external_id",
            ),
        ]


class VisibilityPolicy(models.Model):
    """The business's choice, per record type, of who may see and change records.

    One row per record type (`customers.person`, `customers.organisation`); a missing row means
    the default, `team`. Read by `centric.core.visibility` and nowhere else.
    """

    record_type = models.CharField(max_length=100, unique=True)
    level = models.CharField(
        max_length=20, choices=VisibilityLevel.choices, default=VisibilityLevel.TEAM
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("visibility policies")
        permissions = [("see_all_records", "Can see every record, whatever its visibility")]

    def __str__(self) -> str:
        return f"{self.record_type}: {self.level}"


APPEND_ONLY = "Audit events are append-only"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Refuses bulk changes in Python, before the database's own triggers would (migration 0004)."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError(APPEND_ONLY)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError(APPEND_ONLY)

    delete.queryset_only = True  # type: ignore[attr-defined]  # as Django's: no Manager.delete()


class AuditEvent(models.Model):
    """Append-only log of security-relevant events: sign-ins, denials, exports, permission changes.

    The database enforces it too (triggers, migration 0004 and decision 0030): no UPDATE or
    DELETE passes, except clearing `actor` when that user is deleted; `username` keeps who it
    was. A new column must be added to the SQLite trigger's comparison.
    """

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        SIGN_OUT = "sign_out", _("Signed out")
        PERMISSION_DENIED = "permission_denied", _("Permission denied")
        EXPORT = "export", _("Export")
        PERMISSION_CHANGE = "permission_change", _("Permission change")
        USER_DEACTIVATED = "user_deactivated", _("User deactivated")
        TOKEN_CREATED = "token_created", _("API token created")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        IMPORT = "import", _("Import")
        SETTINGS_CHANGE = "settings_change", _("Settings changed")
        MERGE = "merge", _("Records merged")
        UNMERGE = "unmerge", _("Merge undone")

    kind = models.CharField(max_length=40, choices=Kind.choices, db_index=True)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.kind} {self.username}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError(APPEND_ONLY)


class IdempotencyRecord(models.Model):
    """A stored response to a POST made with an `Idempotency-Key`, replayed on retry."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.TextField()
    content_type = models.CharField(max_length=100, default="application/json")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_user_key")
        ]

    def __str__(self) -> str:
        return self.key


class WorkerHeartbeat(models.Model):
    """A running `centric worker` process, as it last reported itself.

    The worker writes `seen_at` every few seconds (also while a long task runs) and sets
    `stopped_at` when it exits cleanly; a page that shows a queued job reads these rows to say
    when no worker is there to pick it up (decision 0058).
    """

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    queues = models.CharField(max_length=255, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-seen_at", "-id"]

    def __str__(self) -> str:
        return f"Worker {self.worker_id} on {self.hostname or '?'} (pid {self.pid})"
