from django.urls import path

from centric.core.kit.pages import record_urls
from centric.leads import import_views, views
from centric.leads.models import Lead

app_name = "leads"

urlpatterns = [
    path("<int:pk>/convert/", views.lead_convert_page, name="lead_convert"),
    path("<int:pk>/events/", views.lead_event, name="lead_event"),
    path("import/", import_views.lead_import, name="lead_import"),
    path("scoring/", views.scoring_rules, name="scoring_rules"),
    path("assignment/", views.assignment_rules, name="assignment_rules"),
    # The record kit's list, detail, history, create, edit, delete and bulk pages.
    *record_urls(Lead, ""),
]
