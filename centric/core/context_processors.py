"""Template context every page needs: the navigation and the business name."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"business_name": settings.CENTRIC_BUSINESS_NAME}
