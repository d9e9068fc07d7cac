from django.urls import path

from centric.extras import views

app_name = "extras"
urlpatterns = [
    path("", views.index, name="index"),
    path("fields/", views.custom_fields, name="custom_fields"),
    path("fields/new/", views.custom_field_create, name="custom_field_create"),
    path("fields/<int:pk>/", views.custom_field_edit, name="custom_field_edit"),
    path("fields/<int:pk>/delete/", views.custom_field_delete, name="custom_field_delete"),
    path("tags/", views.tags, name="tags"),
    path("tags/lookup/", views.tag_lookup, name="tag_lookup"),
    path("tags/<int:pk>/", views.tag_edit, name="tag_edit"),
    path("tags/<int:pk>/delete/", views.tag_delete, name="tag_delete"),
    path("visibility/", views.visibility, name="visibility"),
]
