"""The article page's text (rendered, sanitised) and versions; the list's Search button."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from centric.core.kit.pages import DetailAction
from centric.knowledge.models import Article, ArticleStatus, Audience
from centric.knowledge.rendering import render


def list_actions(request: HttpRequest) -> list[DetailAction]:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    return [
        DetailAction(_("Search"), reverse("knowledge:search"), icon="search"),
        DetailAction(_("Help pages"), reverse("help:index"), icon="globe"),
    ]


def article_text(request: HttpRequest, record: models.Model | None) -> dict[str, Any] | None:
    if not isinstance(record, Article):
        return None
    return {
        "article": record,
        "html": render(record.body),
        "versions": list(record.versions.select_related("author")[:20]),
        "public": record.audience == Audience.PUBLIC and record.status == ArticleStatus.PUBLISHED,
    }


def ticket_articles(request: HttpRequest, record: models.Model | None) -> dict[str, Any] | None:
    """On a ticket: public articles to link in the reply (the best matches for its subject
    first), for those who may reply."""
    from centric.knowledge.search import public_articles, search
    from centric.tickets.models import Ticket

    if not isinstance(record, Ticket):
        return None
    if not Ticket.objects.visible_to(request.user, "change").filter(pk=record.pk).exists():
        return None
    articles = public_articles()
    matches = search(articles, record.subject, limit=5)
    others = list(articles.exclude(pk__in=[a.pk for a in matches]).order_by("title")[:50])
    if not matches and not others:
        return None
    return {"ticket": record, "matches": matches, "others": others}
