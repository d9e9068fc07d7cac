from django.urls import path

from centric.core.kit.pages import record_urls
from centric.goodwill import views
from centric.goodwill.models import GoodwillAction

app_name = "goodwill"

urlpatterns = [
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("settings/", views.goodwill_settings, name="settings"),
    path("report/", views.report, name="report"),
    # The record kit's list, detail, history, create, edit, delete and bulk pages.
    *record_urls(GoodwillAction, ""),
]
