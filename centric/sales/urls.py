from django.urls import path

from centric.core.kit.pages import record_urls
from centric.sales import views
from centric.sales.models import Deal

app_name = "sales"

urlpatterns = [
    path("", views.deal_board, name="board"),
    path("deals/<int:pk>/move/", views.deal_board_move, name="deal_move"),
    path(
        "reports/lost-to-competitors/",
        views.lost_to_competitors_page,
        name="lost_to_competitors",
    ),
    # The record kit's list, detail, history, create, edit, delete and bulk pages.
    *record_urls(Deal, "deals/"),
]
