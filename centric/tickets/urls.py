from django.urls import path

from centric.core.kit.pages import record_urls
from centric.tickets import (
    nps_views,
    report_views,
    satisfaction_views,
    settings_views,
    sla_views,
    views,
)
from centric.tickets.models import Ticket

app_name = "tickets"

urlpatterns = [
    path("<int:pk>/reply/", views.ticket_reply, name="ticket_reply"),
    path("<int:pk>/macro/", views.ticket_macro, name="ticket_macro"),
    path("<int:pk>/relate/", views.ticket_relate, name="ticket_relate"),
    path("settings/", settings_views.ticket_settings, name="settings"),
    path("settings/sla/", sla_views.sla_settings, name="sla_settings"),
    path("satisfaction/", satisfaction_views.satisfaction, name="satisfaction"),
    path("reports/", report_views.reports, name="reports"),
    path("nps/", nps_views.surveys, name="nps"),
    path("nps/<int:pk>/", nps_views.survey, name="nps_survey"),
    # The record kit's list, detail, history, create, edit, delete and bulk pages.
    *record_urls(Ticket, ""),
]
