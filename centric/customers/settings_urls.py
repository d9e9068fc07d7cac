"""The customers' settings pages, mounted under /settings/ beside the extras' (see records.py)."""

from django.urls import path

from centric.customers import stages

app_name = "customer_settings"
urlpatterns = [
    path("stages/", stages.stages, name="stages"),
    path("stages/<int:pk>/", stages.stage_edit, name="stage_edit"),
    path("stages/<int:pk>/move/", stages.stage_move, name="stage_move"),
    path("stages/<int:pk>/delete/", stages.stage_delete, name="stage_delete"),
]
