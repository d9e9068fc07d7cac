"""Knowledge in the API beyond the kit's CRUD: full-text search, an article's rendered text and
its versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse
from ninja import Router, Schema

from centric.core.api.types import ApiRequest, Id
from centric.knowledge.models import Article, ArticleStatus, Audience
from centric.knowledge.rendering import excerpt, render
from centric.knowledge.search import search

actions_router = Router()
search_router = Router()


class ArticleHitOut(Schema):
    id: int
    title: str
    excerpt: str
    audience: str
    public_url: str | None


def _public_url(article: Article) -> str | None:
    if article.audience == Audience.PUBLIC and article.status == ArticleStatus.PUBLISHED:
        return f"{settings.CENTRIC_BASE_URL}{reverse('help:article', args=[article.slug])}"
    return None


@search_router.get("", response=list[ArticleHitOut], summary="Full-text search of articles")
def article_search(request: ApiRequest, q: str) -> list[dict[str, Any]]:
    from centric.core.api.permissions import require_model_perm

    require_model_perm(request.auth, Article, "view")
    return [
        {
            "id": a.pk,
            "title": a.title,
            "excerpt": excerpt(a.body),
            "audience": a.audience,
            "public_url": _public_url(a),
        }
        for a in search(Article.objects.visible_to(request.auth), q)
    ]


class ArticleVersionOut(Schema):
    number: int
    title: str
    author: str | None
    created_at: dt.datetime


class ArticleRenderedOut(Schema):
    html: str
    public_url: str | None
    versions: list[ArticleVersionOut]


@actions_router.get(
    "/{article_id}/rendered", response=ArticleRenderedOut, summary="The text as HTML, versions"
)
def article_rendered(request: ApiRequest, article_id: Id) -> dict[str, Any]:
    from centric.core.api.permissions import require_model_perm

    require_model_perm(request.auth, Article, "view")
    article = Article.objects.visible_to(request.auth).get(pk=article_id)
    return {
        "html": render(article.body),
        "public_url": _public_url(article),
        "versions": [
            {
                "number": v.number,
                "title": v.title,
                "author": str(v.author) if v.author else None,
                "created_at": v.created_at,
            }
            for v in article.versions.select_related("author")
        ],
    }
