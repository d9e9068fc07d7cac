from django.urls import path

from centric.webhooks import views

app_name = "webhooks"

urlpatterns = [path("", views.webhooks, name="settings")]
