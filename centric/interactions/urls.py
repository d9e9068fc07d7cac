from django.urls import path

from centric.interactions import views

app_name = "interactions"
urlpatterns = [
    path("people/<int:pk>/", views.person_timeline, name="person_timeline"),
    path("people/<int:pk>/new/", views.person_interaction_create, name="person_interaction_create"),
]
