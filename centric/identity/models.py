"""Identity resolution: runs of the matcher, the pairs it found, merges (undoable), and settings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdentitySettings(models.Model):
    """The business's choices for resolution and for the customer count (one row)."""

    class Survivorship(models.TextChoices):
        MOST_RECENT = "most_recent", _("Most recently updated record")
        MOST_COMPLETE = "most_complete", _("Most complete value (longest)")
        OLDEST = "oldest", _("Oldest record (first seen)")
        TRUSTED_SOURCE = "trusted_source", _("Most trusted source")

    review_threshold = models.FloatField(
        default=0.5, help_text=_("Pairs at or above this match probability go to review.")
    )
    merge_threshold = models.FloatField(
        default=0.95, help_text=_("Pairs at or above this count as one customer.")
    )
    auto_merge = models.BooleanField(
        default=False, help_text=_("Merge pairs above the merge threshold without review.")
    )
    default_survivorship = models.CharField(
        max_length=20, choices=Survivorship.choices, default=Survivorship.MOST_RECENT
    )
    field_survivorship = models.JSONField(
        default=dict, blank=True, help_text=_("Per field: a survivorship rule.")
    )
    trusted_sources = models.JSONField(
        default=list, blank=True, help_text=_("Sources, most trusted first.")
    )
    active_days = models.PositiveIntegerField(
        default=90, help_text=_("Active: a purchase or interaction within this many days.")
    )
    at_risk_days = models.PositiveIntegerField(
        default=180, help_text=_("At risk: the last one within this many days.")
    )
    lapsed_days = models.PositiveIntegerField(
        default=365, help_text=_("Lapsed: within this many days; beyond it, lost.")
    )

    class Meta:
        verbose_name_plural = _("identity settings")

    def __str__(self) -> str:
        return "Identity settings"

    @classmethod
    def current(cls) -> IdentitySettings:
        return cls.objects.order_by("pk").first() or cls.objects.create()


class ResolutionRun(models.Model):
    """One run of the matcher over all people, with its progress and what it learnt."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    records = models.PositiveIntegerField(default=0)
    pairs_scored = models.PositiveIntegerField(default=0)
    pairs_for_review = models.PositiveIntegerField(default=0)
    pairs_above_merge = models.PositiveIntegerField(default=0)
    clusters = models.PositiveIntegerField(default=0)
    auto_merged = models.PositiveIntegerField(default=0)
    parameters = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Resolution run {self.pk} ({self.status})"


class CandidatePair(models.Model):
    """Two person records the matcher thinks may be one customer, with the evidence.

    `person_low` has the smaller id, so a pair is stored once. A "not the same" decision stays
    and the pair is never suggested again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        MERGED = "merged", _("Merged")
        NOT_SAME = "not_same", _("Not the same")
        STALE = "stale", _("No longer applies")

    person_low = models.ForeignKey("customers.Person", on_delete=models.CASCADE, related_name="+")
    person_high = models.ForeignKey("customers.Person", on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    weight = models.FloatField()
    evidence = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    run = models.ForeignKey(
        ResolutionRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="pairs"
    )
    found_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-probability", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person_low", "person_high"], name="candidate_pair_unique"
            ),
            models.CheckConstraint(
                condition=Q(person_low__lt=models.F("person_high")), name="candidate_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["status", "-probability"], name="candidate_pair_queue")]

    def __str__(self) -> str:
        return f"{self.person_low_id}~{self.person_high_id} ({self.probability:.2f})"


class BulkMerge(models.Model):
    """One "accept every group above a confidence" action on the review queue.

    `plan` holds the groups the user confirmed (person and pair ids), so the background task
    merges exactly those; each group is merged in its own transaction, and every merge it made
    names this action, so undoing the action undoes each of them.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Merging")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        UNDO_QUEUED = "undo_queued", _("Undo queued")
        UNDOING = "undoing", _("Undoing")
        UNDONE = "undone", _("Undone")

    threshold = models.FloatField(help_text=_("Every pair of a merged group scored at least this."))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    plan = models.JSONField(default=list, help_text=_("The groups confirmed: person and pair ids."))
    clusters_planned = models.PositiveIntegerField(default=0)
    records_planned = models.PositiveIntegerField(default=0)
    clusters_done = models.PositiveIntegerField(default=0)
    clusters_merged = models.PositiveIntegerField(default=0)
    records_merged = models.PositiveIntegerField(default=0)
    merges_undone = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(
        default=list, blank=True, help_text=_("Groups not merged (or not restored), and why.")
    )
    error = models.TextField(blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Bulk merge {self.pk} at {self.threshold} ({self.status})"

    @property
    def progress(self) -> int:
        """Percent of the planned groups handled (merged or skipped), or of its merges undone."""
        undoing = self.status in {self.Status.UNDO_QUEUED, self.Status.UNDOING}
        done, total = (
            (self.merges_undone, self.clusters_merged)
            if undoing
            else (self.clusters_done, self.clusters_planned)
        )
        return min(100, round(done * 100 / total)) if total else 100

    @property
    def is_working(self) -> bool:
        return self.status in {
            self.Status.QUEUED,
            self.Status.RUNNING,
            self.Status.UNDO_QUEUED,
            self.Status.UNDOING,
        }


class Merge(models.Model):
    """A merge of records into a survivor, with everything needed to undo it exactly."""

    survivor = models.ForeignKey(
        "customers.Person", on_delete=models.PROTECT, related_name="merges"
    )
    merged_ids = models.JSONField(default=list)
    snapshot = models.JSONField(
        default=dict, help_text=_("Survivor's fields before, and every row moved.")
    )
    golden_choices = models.JSONField(default=dict, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    is_automatic = models.BooleanField(default=False)
    bulk = models.ForeignKey(
        BulkMerge, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"Merge into {self.survivor_id} of {self.merged_ids}"
