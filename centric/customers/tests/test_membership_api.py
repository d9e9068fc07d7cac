import pytest

from centric.customers.models import Membership
from centric.customers.services import membership_set, organisation_create
from centric.customers.tests.factories import make_person


@pytest.fixture
def manager(make_team, make_user):
    return make_user("manager", team=make_team("Sales"), role="Manager")


@pytest.mark.django_db
def test_a_person_is_taken_out_of_an_organisation(manager, api_client):
    person = make_person(actor=manager)
    shop = organisation_create(actor=manager, name="Okafor Stores")
    membership_set(person=person, organisation=shop, role="Owner")
    client = api_client(manager)
    response = client.delete(f"/api/v1/people/{person.pk}/memberships/{shop.pk}")
    assert response.status_code == 204
    assert not Membership.objects.filter(person=person).exists()
    again = client.delete(f"/api/v1/people/{person.pk}/memberships/{shop.pk}")
    assert again.status_code == 404


@pytest.mark.django_db
def test_front_office_may_not_remove_memberships(manager, make_user, api_client):
    front = make_user("front", team=manager.team, role="Front office")
    person = make_person(actor=front)
    shop = organisation_create(actor=front, name="Mama Put")
    membership_set(person=person, organisation=shop)
    assert (
        api_client(front).delete(f"/api/v1/people/{person.pk}/memberships/{shop.pk}").status_code
        == 403
    )
    assert Membership.objects.filter(person=person).exists()


@pytest.mark.django_db
def test_a_session_whose_role_requires_totp_cannot_use_the_api_before_setting_it_up(
    make_user, logged_in_client
):
    from django.contrib.auth.models import Group

    from centric.staff.models import RoleProfile

    role = Group.objects.get(name="Front office")
    RoleProfile.objects.filter(group=role).update(requires_mfa=True)
    user = make_user("needs-totp", role="Front office")
    response = logged_in_client(user).get("/api/v1/people")
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


@pytest.mark.django_db
def test_the_person_page_takes_a_person_out_of_an_organisation(manager, logged_in_client):
    person = make_person(actor=manager)
    shop = organisation_create(actor=manager, name="Okafor Stores")
    membership_set(person=person, organisation=shop, role="Owner")
    client = logged_in_client(manager)
    page = client.get(f"/people/{person.pk}/")
    assert f"/people/{person.pk}/organisations/{shop.pk}/remove/" in page.content.decode()
    response = client.post(f"/people/{person.pk}/organisations/{shop.pk}/remove/")
    assert response.status_code == 302
    assert not Membership.objects.filter(person=person).exists()
