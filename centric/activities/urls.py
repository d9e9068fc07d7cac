from django.urls import path

from centric.activities import views
from centric.activities.models import Activity
from centric.core.kit.pages import record_urls

app_name = "activities"

urlpatterns = [
    path("<int:pk>/done/", views.activity_done, name="activity_done"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:secret>.ics", views.calendar_feed, name="calendar_feed"),
    # The record kit's list, detail, history, create, edit, delete and bulk pages.
    *record_urls(Activity, ""),
]
