from django.urls import path

from centric.core.kit.pages import record_urls
from centric.sales import exchange_views, pipeline_views, report_views, views
from centric.sales.models import Deal

app_name = "sales"

urlpatterns = [
    path("", views.deal_board, name="board"),
    path("deals/<int:pk>/move/", views.deal_board_move, name="deal_move"),
    path("deals/<int:pk>/checklist/", views.deal_checklist, name="deal_checklist"),
    path("deals/<int:pk>/contacts/", views.deal_contacts_edit, name="deal_contacts"),
    path("pipelines/", pipeline_views.pipelines, name="pipelines"),
    path("pipelines/<int:pk>/", pipeline_views.pipeline_edit, name="pipeline_edit"),
    path("pipelines/<int:pk>/stages/", pipeline_views.stage_create, name="stage_create"),
    path(
        "pipelines/<int:pk>/stages/<int:stage_pk>/",
        pipeline_views.stage_save,
        name="stage_save",
    ),
    path("exchange-rates/", exchange_views.exchange_rates, name="exchange_rates"),
    path("reports/", report_views.sales_reports, name="reports"),
    path(
        "reports/results/",
        report_views.sales_reports,
        {"section": "results"},
        name="reports_results",
    ),
    path(
        "reports/lost-to-competitors/",
        views.lost_to_competitors_page,
        name="lost_to_competitors",
    ),
    # The record kit's list, detail, history, create, edit, delete and bulk pages.
    *record_urls(Deal, "deals/"),
]
