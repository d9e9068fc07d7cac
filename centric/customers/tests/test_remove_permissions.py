"""Removing a contact point or a membership on a page needs the delete permission the API asks
for (`customers.delete_contactpoint` / `customers.delete_membership`), not only the right to
change the record: 403 for a record one sees, 404 for one one does not, and nothing removed."""

import pytest
from django.urls import reverse

from centric.customers.models import ContactPoint, Membership
from centric.customers.services import contact_point_add, membership_set, organisation_create
from centric.customers.tests.factories import make_person


@pytest.fixture
def manager(make_user, sales):
    """Same team as the seller, with the delete permissions (the Manager role)."""
    return make_user("manager", role="Manager", team=sales)


@pytest.fixture
def outsider(make_user, make_team):
    return make_user("outsider", role="Manager", team=make_team("Service"))


@pytest.fixture
def person(seller):
    return make_person(actor=seller, email="ada@example.com")


@pytest.fixture
def organisation(seller):
    organisation = organisation_create(actor=seller, name="Balogun Traders")
    contact_point_add(owner=organisation, actor=seller, kind="website", value="balogun.example.com")
    return organisation


@pytest.fixture
def membership(person, organisation):
    return membership_set(person=person, organisation=organisation, role="Buyer")


def _urls(person, organisation):
    point = person.contact_points.get()
    organisation_point = organisation.contact_points.get()
    return {
        "person contact": reverse("customers:contact_point_remove", args=[person.pk, point.pk]),
        "organisation contact": reverse(
            "customers:organisation_contact_point_remove",
            args=[organisation.pk, organisation_point.pk],
        ),
        "membership": reverse("customers:membership_remove", args=[person.pk, organisation.pk]),
    }


@pytest.mark.django_db
def test_change_without_delete_permission_is_403_and_removes_nothing(
    logged_in_client, seller, person, organisation, membership
):
    assert seller.has_perm("customers.change_person")
    assert not seller.has_perm("customers.delete_contactpoint")
    assert not seller.has_perm("customers.delete_membership")
    client = logged_in_client(seller)
    for what, url in _urls(person, organisation).items():
        assert client.post(url).status_code == 403, what
    assert ContactPoint.objects.filter(person=person).count() == 1
    assert ContactPoint.objects.filter(organisation=organisation).count() == 1
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db
def test_a_record_one_cannot_see_is_404_even_with_the_delete_permission(
    logged_in_client, outsider, person, organisation, membership
):
    client = logged_in_client(outsider)
    for what, url in _urls(person, organisation).items():
        assert client.post(url).status_code == 404, what
    assert ContactPoint.objects.filter(person=person).count() == 1
    assert ContactPoint.objects.filter(organisation=organisation).count() == 1
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db
def test_with_the_delete_permission_the_page_removes(
    logged_in_client, manager, person, organisation, membership
):
    client = logged_in_client(manager)
    for what, url in _urls(person, organisation).items():
        assert client.post(url).status_code == 302, what
    assert not ContactPoint.objects.filter(person=person).exists()
    assert not ContactPoint.objects.filter(organisation=organisation).exists()
    assert not Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db
def test_remove_buttons_show_only_with_the_delete_permission(
    logged_in_client, seller, manager, person, organisation, membership
):
    urls = _urls(person, organisation)
    person_page = reverse("customers:person_detail", args=[person.pk])
    organisation_page = reverse("customers:organisation_detail", args=[organisation.pk])

    seller_person = logged_in_client(seller).get(person_page).content.decode()
    seller_organisation = logged_in_client(seller).get(organisation_page).content.decode()
    assert (
        reverse("customers:contact_point_edit", args=[person.pk, person.contact_points.get().pk])
        in seller_person
    )
    assert urls["person contact"] not in seller_person
    assert urls["membership"] not in seller_person
    assert urls["organisation contact"] not in seller_organisation

    manager_person = logged_in_client(manager).get(person_page).content.decode()
    manager_organisation = logged_in_client(manager).get(organisation_page).content.decode()
    assert urls["person contact"] in manager_person
    assert urls["membership"] in manager_person
    assert urls["organisation contact"] in manager_organisation
