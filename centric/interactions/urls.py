from django.urls import path

from centric.interactions import views

app_name = "interactions"
urlpatterns = [
    path("people/<int:pk>/", views.person_timeline, name="person_timeline"),
    path("people/<int:pk>/new/", views.person_interaction_create, name="person_interaction_create"),
    path("organisations/<int:pk>/", views.organisation_timeline, name="organisation_timeline"),
    path(
        "organisations/<int:pk>/new/",
        views.organisation_interaction_create,
        name="organisation_interaction_create",
    ),
]
