from django.urls import path

from centric.core.kit.pages import record_urls
from centric.knowledge import views
from centric.knowledge.models import Article

app_name = "knowledge"

urlpatterns = [
    path("search/", views.staff_search, name="search"),
    path("<int:pk>/versions/<int:number>/", views.version, name="version"),
    path("insert/<int:ticket_pk>/", views.insert_link, name="insert_link"),
    # The record kit's list, detail, history, create, edit, delete and bulk pages.
    *record_urls(Article, ""),
]
