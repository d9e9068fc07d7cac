"""The person's and organisation's pages are the record kit's detail page with customers' cards
as panels: each card shows only what the viewer may do, the contact-point pages ask for the
same add/change permission as the API, and the organisation's people page by themselves."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from centric.customers.models import ContactPoint
from centric.customers.services import contact_point_add, membership_set, organisation_create
from centric.customers.tests.factories import make_person


@pytest.fixture
def reader(make_user, sales):
    """May see and change people and organisations of the team, nothing of their parts."""
    user = make_user("reader", role=None, team=sales)
    codenames = ["view_person", "change_person", "view_organisation", "change_organisation"]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def person(seller):
    return make_person(actor=seller, email="ada@example.com")


@pytest.mark.django_db
def test_contact_card_offers_only_what_the_viewer_may_do(logged_in_client, reader, person):
    response = logged_in_client(reader).get(reverse("customers:person_detail", args=[person.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "ada@example.com" in html
    assert reverse("customers:contact_point_add", args=[person.pk]) not in html
    point = person.contact_points.get()
    assert reverse("customers:contact_point_edit", args=[person.pk, point.pk]) not in html
    assert reverse("customers:membership_add", args=[person.pk]) not in html
    assert reverse("customers:consent_record", args=[person.pk]) not in html


@pytest.mark.django_db
def test_adding_a_contact_point_needs_the_add_permission(logged_in_client, reader, person):
    client = logged_in_client(reader)
    url = reverse("customers:contact_point_add", args=[person.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"kind": "phone", "value": "0803 555 0101"})
    assert response.status_code == 403
    assert person.contact_points.count() == 1
    reader.user_permissions.add(Permission.objects.get(codename="add_contactpoint"))
    client = logged_in_client(reader)
    response = client.post(url, {"kind": "phone", "value": "0803 555 0101"})
    assert response.status_code == 302
    assert person.contact_points.filter(value_normalized="+2348035550101").exists()


@pytest.mark.django_db
def test_editing_a_contact_point_needs_the_change_permission(logged_in_client, reader, person):
    point = person.contact_points.get()
    url = reverse("customers:contact_point_edit", args=[person.pk, point.pk])
    client = logged_in_client(reader)
    assert client.get(url).status_code == 403
    response = client.post(url, {"kind": "email", "value": "other@example.com"})
    assert response.status_code == 403
    assert ContactPoint.objects.get(pk=point.pk).value == "ada@example.com"


@pytest.mark.django_db
def test_membership_and_consent_pages_need_their_add_permission(logged_in_client, reader, person):
    client = logged_in_client(reader)
    assert client.get(reverse("customers:membership_add", args=[person.pk])).status_code == 403
    assert client.get(reverse("customers:consent_record", args=[person.pk])).status_code == 403


@pytest.mark.django_db
def test_organisation_members_page_through_the_panel_alone(logged_in_client, seller):
    organisation = organisation_create(actor=seller, name="Balogun Traders")
    for index in range(30):
        member = make_person(actor=seller, first_name="Member", last_name=f"M{index:02d}")
        membership_set(person=member, organisation=organisation, role="Buyer")
    client = logged_in_client(seller)
    url = reverse("customers:organisation_detail", args=[organisation.pk])
    page = client.get(url)
    first_page = page.context["panels"][0]
    assert first_page.panel.key == "members"
    assert "M24" in page.content.decode() and "M25" not in page.content.decode()
    cursor = page.content.decode().split("cursor=")[1].split("&")[0].split('"')[0]
    response = client.get(url, {"cursor": cursor, "panel": "members"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # the panel alone, for htmx to swap in
    assert "M25" in html and "M29" in html and "M24" not in html
    missing = client.get(url, {"panel": "no-such-panel"}, HTTP_HX_REQUEST="true")
    assert missing.status_code == 404


@pytest.mark.django_db
def test_hidden_organisation_panel_is_a_404(logged_in_client, seller, make_user, make_team):
    organisation = organisation_create(actor=seller, name="Balogun Traders")
    contact_point_add(owner=organisation, actor=seller, kind="website", value="balogun.example.com")
    outsider = make_user("outsider", team=make_team("Service"))
    url = reverse("customers:organisation_detail", args=[organisation.pk])
    client = logged_in_client(outsider)
    assert client.get(url).status_code == 404
    assert client.get(url, {"panel": "members"}, HTTP_HX_REQUEST="true").status_code == 404
