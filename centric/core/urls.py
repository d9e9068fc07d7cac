from django.urls import path

from centric.core import views
from centric.core.kit.links import record_lookup

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("healthz", views.healthz, name="healthz"),
    path("records/<slug:key>/lookup/", record_lookup, name="record_lookup"),
]
