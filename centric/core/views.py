"""Pages of the in-house framework: the home page, the search box and a health check.

Both pages are assembled from what apps register with the record kit (search providers and
home panels): core names no domain app.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from centric.core.day import day_scope, leads_teams
from centric.core.htmx import wants_partial
from centric.core.kit.panels import panels_for
from centric.core.records import SearchProvider, registry

HOME = "core.home"


@dataclass
class SearchSection:
    provider: SearchProvider
    results: Any


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My day: the panels apps register for the home page, for the user or their teams."""
    scope = day_scope(request)
    return render(
        request,
        "core/home.html",
        {
            "panels": panels_for(request, HOME),
            "scope": scope,
            "leads_teams": leads_teams(request.user),
        },
    )


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """The search box: a dropdown of results as you type (htmx), or the full results page."""
    query = (request.GET.get("q", "") or "").strip()[:200]
    limit = 8 if wants_partial(request) else 50
    sections = []
    if len(query) >= 2:
        sections = [
            SearchSection(provider, provider.search(request.user, query, limit))
            for provider in registry.search_providers()
        ]
    matched_by = next(
        (
            getattr(s.results, "matched_by", "")
            for s in sections
            if hasattr(s.results, "matched_by")
        ),
        "",
    )
    context = {
        "search_sections": sections,
        "search_query": query,
        "search_is_empty": all(section.results.is_empty for section in sections),
        "search_matched_by": matched_by,
    }
    if wants_partial(request):
        return render(request, "core/partials/search_results.html", context)
    return render(request, "core/search.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
