"""The project's URLs plus a page that fails, for the error-page tests."""

from django.urls import path

from centric.urls import urlpatterns as project_urlpatterns


def broken_page(request):
    raise RuntimeError("a bug with SECRET_KEY-like details in it")


urlpatterns = [path("broken-for-tests/", broken_page), *project_urlpatterns]
