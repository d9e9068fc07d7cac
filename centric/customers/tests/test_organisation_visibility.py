"""With a non-public organisation policy, an organisation one may not see is not named through
its members: not on the person page, not in the person's memberships over the API, and
`?organisation=<hidden id>` lists no one, exactly like an id that does not exist."""

import pytest
from django.urls import reverse

from centric.customers.models import Organisation
from centric.customers.services import membership_set, organisation_create
from centric.customers.tests.factories import make_person
from centric.staff.services.visibility import visibility_policy_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(seller, make_user, sales):
    """Organisations are private: the seller sees their own shop, not a colleague's holding;
    Ada (the seller's) belongs to both."""
    visibility_policy_set(record_type="customers.organisation", level="private", actor=None)
    colleague = make_user("colleague", team=sales)
    secret = organisation_create(actor=colleague, name="Secret Holdings")
    shop = organisation_create(actor=seller, name="Open Shop")
    ada = make_person(actor=seller, first_name="Ada")
    membership_set(person=ada, organisation=secret, role="Director", is_primary=True)
    membership_set(person=ada, organisation=shop, role="Buyer")
    assert not Organisation.objects.visible_to(seller).filter(pk=secret.pk).exists()
    return {"secret": secret, "shop": shop, "ada": ada}


def test_person_page_shows_only_visible_organisations(world, seller, logged_in_client):
    client = logged_in_client(seller)
    response = client.get(reverse("customers:person_detail", args=[world["ada"].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Open Shop" in body
    assert "Secret Holdings" not in body
    assert "Director" not in body
    assert [m.organisation for m in response.context["memberships"]] == [world["shop"]]
    history = client.get(reverse("customers:person_history", args=[world["ada"].pk]))
    assert history.status_code == 200
    assert "Secret Holdings" not in history.content.decode()


def test_api_memberships_of_a_person_name_only_visible_organisations(world, seller, api_client):
    response = api_client(seller).get(f"/api/v1/people/{world['ada'].pk}/memberships")
    assert response.status_code == 200
    assert [m["organisation_name"] for m in response.json()] == ["Open Shop"]
    assert b"Secret" not in response.content


def test_hidden_organisation_filter_lists_no_one_like_a_missing_id(
    world, seller, api_client, logged_in_client
):
    client = api_client(seller)

    def ids(organisation_id: int) -> list[int]:
        response = client.get(f"/api/v1/people?organisation={organisation_id}")
        assert response.status_code == 200, response.content
        return [p["id"] for p in response.json()["items"]]

    missing = Organisation.objects.order_by("-pk").first().pk + 1000
    assert ids(world["shop"].pk) == [world["ada"].pk]
    assert ids(world["secret"].pk) == ids(missing) == []

    page = logged_in_client(seller)
    people = reverse("customers:person_list")
    hidden = page.get(people, {"organisation": world["secret"].pk})
    absent = page.get(people, {"organisation": missing})
    visible = page.get(people, {"organisation": world["shop"].pk})
    assert hidden.status_code == absent.status_code == 200
    assert hidden.context["page"].items == absent.context["page"].items == []
    assert [p.pk for p in visible.context["page"].items] == [world["ada"].pk]
