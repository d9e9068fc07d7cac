"""Top-level URLs: pages per app, the REST API under /api/v1/, sign-in under /accounts/."""

from django.contrib import admin
from django.urls import include, path

from centric.api import api

urlpatterns = [
    path("", include("centric.core.urls")),
    path("people/", include("centric.customers.urls")),
    path("customers/", include("centric.identity.urls")),
    path("timeline/", include("centric.interactions.urls")),
    path("imports/", include("centric.imports.urls")),
    path("staff/", include("centric.staff.urls")),
    path("settings/", include("centric.extras.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]
