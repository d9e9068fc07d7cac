"""Template context every page needs: the navigation and the business name."""

from django.conf import settings


def navigation(request):
    return {"business_name": settings.CENTRIC_BUSINESS_NAME}
