"""The one helper that decides between a full page and a partial for htmx requests.

A page template declares its refreshable region as a django-template-partials partial
(`{% partialdef table inline %}`); an htmx request for the same URL gets only that partial,
anything else (a first visit, a boosted link, a history restore) gets the whole page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def wants_partial(request: HttpRequest) -> bool:
    htmx: Any = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page(
    request: HttpRequest,
    template_name: str,
    context: dict[str, Any],
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render `template_name`, or only its `partial` when htmx asks for a fragment."""
    name = f"{template_name}#{partial}" if partial and wants_partial(request) else template_name
    response = render(request, name, context, status=status)
    response.headers["Vary"] = "HX-Request"
    return response
