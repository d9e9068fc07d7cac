"""The public help pages (`/help/`): public, published articles; no sign-in."""

from django.urls import path

from centric.knowledge import views

app_name = "help"

urlpatterns = [
    path("", views.help_index, name="index"),
    path("<slug:slug>/", views.help_article, name="article"),
    path("<slug:slug>/feedback/", views.help_feedback, name="feedback"),
]
