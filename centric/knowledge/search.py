"""Full-text search of articles: PostgreSQL's text search (title weighted above the text,
ranked) where the database is PostgreSQL; a containment match on SQLite (development)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from centric.knowledge.models import Article, ArticleStatus, Audience

MAX_QUERY = 200


def search(articles: QuerySet[Article], text: str, *, limit: int = 20) -> list[Article]:
    text = " ".join((text or "").split())[:MAX_QUERY]
    if not text:
        return []
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("title", weight="A", config="simple") + SearchVector(
            "body", weight="B", config="simple"
        )
        query = SearchQuery(text, search_type="websearch", config="simple")
        found: Any = (
            articles.annotate(rank=SearchRank(vector, query))
            .filter(rank__gt=0)
            .order_by("-rank", "title")
        )
        return list(found[:limit])
    words = text.split()
    condition = Q()
    for word in words:
        condition &= Q(title__icontains=word) | Q(body__icontains=word)
    return list(articles.filter(condition).order_by("title")[:limit])


def public_articles() -> QuerySet[Article]:
    """What the help pages (and the portal) show: public and published."""
    return Article.objects.filter(audience=Audience.PUBLIC, status=ArticleStatus.PUBLISHED)
