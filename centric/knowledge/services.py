"""The one write path of articles: each save keeps a version (who, when, the text); publishing
stamps the date; the address (slug) is made once from the first title."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from centric.core.kit.services import (
    UNSET,
    bump_version,
    check_version,
    default_ownership,
    delete_record,
    is_set,
    lock,
    save_record,
    set_given,
    set_tags,
)
from centric.knowledge.models import Article, ArticleStatus, ArticleVersion, Audience


def _slug(title: str) -> str:
    base = slugify(title)[:200] or "article"
    slug, number = base, 1
    while Article.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _check(article: Article) -> None:
    article.title = " ".join((article.title or "").split())
    if not article.title:
        raise ValidationError({"title": _("Give the article a title.")})
    if not (article.body or "").strip():
        raise ValidationError({"body": _("Write the article first.")})
    if article.audience not in Audience.values:
        raise ValidationError({"audience": _("Choose who reads it.")})
    if article.status not in ArticleStatus.values:
        raise ValidationError({"status": _("Choose draft or published.")})
    if article.status == ArticleStatus.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()


def _keep_version(article: Article, actor: Any) -> None:
    last = article.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ArticleVersion.objects.create(
        article=article,
        number=last + 1,
        title=article.title,
        body=article.body,
        author=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def article_create(
    *,
    actor: Any,
    title: str,
    body: str,
    category: Any = None,
    audience: str = Audience.INTERNAL,
    status: str = ArticleStatus.DRAFT,
    owner: Any = None,
    team: Any = None,
    external_id: str | None = None,
    tags: list[str] | None = None,
    custom_fields: dict[str, Any] | None = None,
) -> Article:
    article = Article(owner=owner, team=team)
    set_given(
        article,
        title=title,
        body=body,
        category=category,
        audience=audience or Audience.INTERNAL,
        status=status or ArticleStatus.DRAFT,
        external_id=external_id,
    )
    default_ownership(article, actor)
    _check(article)
    article.slug = _slug(article.title)
    save_record(article, actor=actor)
    set_tags(article, tags)
    _keep_version(article, actor)
    return article


@transaction.atomic
def article_update(
    article: Article,
    *,
    actor: Any,
    expected_version: int | None = None,
    title: str = UNSET,
    body: str = UNSET,
    category: Any = UNSET,
    audience: str = UNSET,
    status: str = UNSET,
    owner: Any = UNSET,
    team: Any = UNSET,
    external_id: str | None = UNSET,
    tags: list[str] | None = UNSET,
    custom_fields: dict[str, Any] | None = UNSET,
) -> Article:
    article = lock(Article, article.pk)
    check_version(article, expected_version)
    before = (article.title, article.body)
    set_given(
        article,
        title=title,
        body=body,
        category=category,
        audience=audience or UNSET,
        status=status or UNSET,
        owner=owner,
        team=team,
        external_id=external_id,
    )
    _check(article)
    bump_version(article)
    save_record(article, actor=actor)
    if is_set(tags):
        set_tags(article, tags)
    if (article.title, article.body) != before:
        _keep_version(article, actor)
    return article


@transaction.atomic
def article_delete(article: Article, *, actor: Any = None) -> None:
    delete_record(article, actor=actor)


def article_feedback(article: Article, *, solved: bool) -> None:
    """A reader says the article solved it (a deflection) or did not help."""
    field = "deflections" if solved else "not_helpful"
    Article.objects.filter(pk=article.pk).update(**{field: F(field) + 1})


def article_viewed(article: Article) -> None:
    Article.objects.filter(pk=article.pk).update(views=F("views") + 1)
