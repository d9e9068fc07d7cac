from django.urls import path

from centric.customers import views

app_name = "customers"
urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("new/", views.person_create, name="person_create"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/history/", views.person_history, name="person_history"),
    path("<int:pk>/edit/", views.person_update, name="person_update"),
    path("<int:pk>/delete/", views.person_delete, name="person_delete"),
    path("<int:pk>/contacts/new/", views.contact_point_add, name="contact_point_add"),
    path(
        "<int:pk>/contacts/<int:point_pk>/edit/",
        views.contact_point_edit,
        name="contact_point_edit",
    ),
    path(
        "<int:pk>/contacts/<int:point_pk>/remove/",
        views.contact_point_remove,
        name="contact_point_remove",
    ),
    path("<int:pk>/organisations/new/", views.membership_add, name="membership_add"),
    path(
        "<int:pk>/organisations/<int:organisation_pk>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("<int:pk>/consent/", views.consent_record, name="consent_record"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_update, name="organisation_update"),
    path("organisations/<int:pk>/delete/", views.organisation_delete, name="organisation_delete"),
    path(
        "organisations/<int:pk>/contacts/new/",
        views.organisation_contact_point_add,
        name="organisation_contact_point_add",
    ),
    path(
        "organisations/<int:pk>/contacts/<int:point_pk>/edit/",
        views.organisation_contact_point_edit,
        name="organisation_contact_point_edit",
    ),
    path(
        "organisations/<int:pk>/contacts/<int:point_pk>/remove/",
        views.organisation_contact_point_remove,
        name="organisation_contact_point_remove",
    ),
    path(
        "organisations/<int:pk>/history/",
        views.organisation_history,
        name="organisation_history",
    ),
]
