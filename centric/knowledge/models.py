"""The knowledge base: articles in Markdown, internal (staff) or public (the help pages and,
later, the portal), each saved version kept with who changed what.

Articles are owned records read by every member of staff by default (the business may narrow
that on the visibility settings) and changed by their owner's team."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from centric.core.models import OwnedRecord


class Audience(models.TextChoices):
    INTERNAL = "internal", _("Staff only")
    PUBLIC = "public", _("Public (help pages)")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ArticleCategory(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = _("article categories")

    def __str__(self) -> str:
        return self.name


class Article(OwnedRecord):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=220, unique=True, editable=False)
    body = models.TextField(_("text (Markdown)"), max_length=100_000)
    category = models.ForeignKey(
        ArticleCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    audience = models.CharField(
        _("who reads it"), max_length=10, choices=Audience.choices, default=Audience.INTERNAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    # Read on the help pages; "this solved it" from a reader (a request not made).
    views = models.PositiveIntegerField(_("views"), default=0, editable=False)
    deflections = models.PositiveIntegerField(_("solved it"), default=0, editable=False)
    not_helpful = models.PositiveIntegerField(_("did not help"), default=0, editable=False)
    tags = models.ManyToManyField("extras.Tag", blank=True, related_name="articles")
    history = HistoricalRecords(
        excluded_fields=["updated_at", "views", "deflections", "not_helpful"]
    )

    class Meta(OwnedRecord.Meta):
        ordering = ["title", "id"]
        indexes = [
            models.Index(fields=["owner", "team"], name="article_owner_team"),
            models.Index(fields=["audience", "status", "title"], name="article_public"),
        ]

    def __str__(self) -> str:
        return self.title


class ArticleVersion(models.Model):
    """An article as one save left it: the number, the text, who and when."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=100_000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"
