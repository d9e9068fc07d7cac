from django.urls import URLPattern, path

from centric.core.kit.pages import record_urls
from centric.customers import views
from centric.customers.models import Organisation, Person

app_name = "customers"


def _contact_point_pages(owner: str, prefix: str, name_prefix: str) -> list[URLPattern]:
    """A person's or an organisation's contact-point pages: one set of views for both."""
    kwargs = {"owner": owner}
    return [
        path(
            f"{prefix}<int:pk>/contacts/new/",
            views.contact_point_add,
            kwargs,
            name=f"{name_prefix}contact_point_add",
        ),
        path(
            f"{prefix}<int:pk>/contacts/<int:point_pk>/edit/",
            views.contact_point_edit,
            kwargs,
            name=f"{name_prefix}contact_point_edit",
        ),
        path(
            f"{prefix}<int:pk>/contacts/<int:point_pk>/remove/",
            views.contact_point_remove,
            kwargs,
            name=f"{name_prefix}contact_point_remove",
        ),
        path(
            f"{prefix}<int:pk>/attention/settle/",
            views.attention_settle,
            kwargs,
            name=f"{name_prefix}attention_settle",
        ),
    ]


urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    # The record kit's detail, history, create, edit, delete and bulk pages.
    *record_urls(Person, without=("list",)),
    *record_urls(Organisation, "organisations/", without=("list",)),
    *_contact_point_pages("person", "", ""),
    *_contact_point_pages("organisation", "organisations/", "organisation_"),
    path("<int:pk>/organisations/new/", views.membership_add, name="membership_add"),
    path(
        "<int:pk>/organisations/<int:organisation_pk>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("<int:pk>/consent/", views.consent_record, name="consent_record"),
]
