"""Top-level URLs: the framework's pages, every app's pages as registered with the record kit,
the REST API under /api/v1/, sign-in under /accounts/."""

from django.contrib import admin
from django.urls import include, path

from centric.api import api
from centric.core.records import registry

urlpatterns = [
    path("", include("centric.core.urls")),
    *(path(mount.prefix, include(mount.module)) for mount in registry.url_mounts()),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]
