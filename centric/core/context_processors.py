"""Template context every page needs: the navigation (from the record kit) and the business name."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from centric.core.records import registry


def navigation_links(request: HttpRequest) -> list[dict[str, Any]]:
    """The main navigation for this user: every registered entry they may use, the current one
    marked (the longest matching path wins over a shorter one, e.g. /people/organisations/)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    path = request.path or ""
    links = []
    for entry, permission in registry.navigation():
        if permission and not user.has_perm(permission):
            continue
        href = reverse(entry.url_name)
        prefixes = entry.current_prefixes or (href,)
        current = any(path.startswith(prefix) for prefix in prefixes) and not any(
            path.startswith(prefix) for prefix in entry.not_current_prefixes
        )
        links.append({"label": entry.label, "href": href, "icon": entry.icon, "current": current})
    return links


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {
        "business_name": settings.CENTRIC_BUSINESS_NAME,
        "navigation_links": lambda: navigation_links(request),
    }
