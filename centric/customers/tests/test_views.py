"""Pages of the customer record: lists, the 360° page, forms, visibility (404 not 403)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from centric.core.models import VisibilityPolicy
from centric.customers.models import ContactPoint, Membership, Person
from centric.customers.services import (
    consent_record,
    organisation_create,
    person_update,
)
from centric.customers.tests.factories import make_person
from centric.extras.services import custom_field_create


@pytest.fixture
def outsider(make_user, make_team):
    return make_user("outsider", team=make_team("Service"))


@pytest.fixture
def private_people(db):
    VisibilityPolicy.objects.update_or_create(
        record_type="customers.person", defaults={"level": "private"}
    )


@pytest.fixture
def client_for(logged_in_client):
    return logged_in_client


# ------------------------------------------------------------------ anonymous


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,args",
    [
        ("customers:person_list", []),
        ("customers:person_create", []),
        ("customers:person_detail", [1]),
        ("customers:person_history", [1]),
        ("customers:person_update", [1]),
        ("customers:organisation_list", []),
        ("customers:organisation_detail", [1]),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# ------------------------------------------------------------------ people list


@pytest.mark.django_db
def test_people_list_shows_visible_people_and_hides_others(
    client_for, seller, outsider, private_people
):
    mine = make_person(actor=seller, first_name="Chinedu", phone="0803 123 4567")
    theirs = make_person(actor=outsider, first_name="Hidden")
    response = client_for(seller).get(reverse("customers:person_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert mine.full_name in body
    assert "+234 803 123 4567" in body
    assert theirs.full_name not in body
    assert "Showing 1 person" in body


@pytest.mark.django_db
def test_people_list_filters_by_stage_and_search(client_for, seller):
    make_person(actor=seller, first_name="Ada", last_name="Lead", lifecycle_stage="lead")
    make_person(actor=seller, first_name="Bola", last_name="Customer", lifecycle_stage="customer")
    client = client_for(seller)
    body = client.get(reverse("customers:person_list"), {"stage": "customer"}).content.decode()
    assert "Bola Customer" in body and "Ada Lead" not in body
    body = client.get(reverse("customers:person_list"), {"q": "ada"}).content.decode()
    assert "Ada Lead" in body and "Bola Customer" not in body


@pytest.mark.django_db
def test_people_list_htmx_request_gets_only_the_table(client_for, seller):
    make_person(actor=seller, first_name="Ada")
    response = client_for(seller).get(
        reverse("customers:person_list"), {"q": "ada"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "Ada Okafor" in body
    assert 'id="list-filters"' not in body


@pytest.mark.django_db
def test_people_list_bad_filter_shows_a_message_not_an_error_page(client_for, seller):
    response = client_for(seller).get(reverse("customers:person_list"), {"created_after": "soon"})
    assert response.status_code == 200
    assert "Enter a date as YYYY-MM-DD." in response.content.decode()


@pytest.mark.django_db
def test_people_list_keyset_pages_forward_and_back(client_for, seller):
    for index in range(12):
        make_person(actor=seller, first_name=f"P{index:02d}", last_name="Zed")
    client = client_for(seller)
    first = client.get(reverse("customers:person_list"), {"size": 10})
    page = first.context["page"]
    assert [p.first_name for p in page.items] == [f"P{i:02d}" for i in range(10)]
    assert page.next_cursor and not page.previous_cursor
    assert "Showing 10 people" in first.content.decode()
    second = client.get(reverse("customers:person_list"), {"size": 10, "cursor": page.next_cursor})
    assert [p.first_name for p in second.context["page"].items] == ["P10", "P11"]
    back = client.get(
        reverse("customers:person_list"),
        {"size": 10, "cursor": second.context["page"].previous_cursor},
    )
    assert [p.first_name for p in back.context["page"].items][0] == "P00"


@pytest.mark.django_db
def test_people_list_export_links_carry_the_filters(client_for, seller, make_user, sales):
    front_office = client_for(seller).get(reverse("customers:person_list")).content.decode()
    assert "/imports/export/" not in front_office
    assert 'href="/imports/"' not in front_office.split('class="shell"')[1].split("</nav>")[1]
    manager = make_user("boss", role="Manager", team=sales)
    body = (
        client_for(manager)
        .get(reverse("customers:person_list"), {"stage": "lead", "cursor": ""})
        .content.decode()
    )
    assert "/imports/export/people.csv?stage=lead" in body
    assert "/imports/export/people.xlsx?stage=lead" in body
    assert "/imports/export/people.vcf?stage=lead" in body


@pytest.mark.django_db
def test_people_list_query_count_does_not_grow_with_page_size(
    client_for, seller, django_assert_max_num_queries
):
    for index in range(30):
        person = make_person(actor=seller, first_name=f"Q{index}", phone=f"0803 000 {index:04d}")
        person.tags.set([])
    client = client_for(seller)
    client.get(reverse("customers:person_list"))  # warm caches (session, permissions)
    with django_assert_max_num_queries(15) as small:
        client.get(reverse("customers:person_list"), {"size": 10})
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("customers:person_list"), {"size": 100})
    assert len(response.context["page"].items) == 30


# ------------------------------------------------------------------ 360° page


@pytest.mark.django_db
def test_person_page_shows_the_whole_record(client_for, seller, make_user):
    custom_field_create(record_type="person", key="loyalty_tier", label="Loyalty tier")
    person = make_person(
        actor=seller,
        first_name="Chinedu",
        phone="0803 123 4567",
        email="chinedu@example.com",
        lifecycle_stage="customer",
        source="Instagram",
        utm_campaign="black-friday",
        custom_fields={"loyalty_tier": "gold"},
        tags=["VIP"],
    )
    organisation = organisation_create(actor=seller, name="Balogun Traders")
    from centric.customers.services import membership_set

    membership_set(person=person, organisation=organisation, role="Buyer")
    consent_record(person=person, purpose="marketing_sms", status="granted", method="form")
    response = client_for(seller).get(reverse("customers:person_detail", args=[person.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "Chinedu Okafor",
        "Customer",
        "VIP",
        "+234 803 123 4567",
        'href="tel:+2348031234567"',
        'href="https://wa.me/2348031234567"',
        'href="mailto:chinedu@example.com"',
        "Balogun Traders",
        "Buyer",
        "Instagram",
        "black-friday",
        "Loyalty tier",
        "gold",
        "Marketing by SMS",
        "Granted",
        "Web form",
    ):
        assert text in body, text


@pytest.mark.django_db
def test_another_teams_private_person_is_404_everywhere(
    client_for, seller, outsider, private_people
):
    person = make_person(actor=seller)
    client = client_for(outsider)
    for name in (
        "customers:person_detail",
        "customers:person_history",
        "customers:person_update",
        "customers:contact_point_add",
        "customers:consent_record",
        "customers:membership_add",
    ):
        assert client.get(reverse(name, args=[person.pk])).status_code == 404, name
    response = client.post(
        reverse("customers:person_update", args=[person.pk]), {"first_name": "X"}
    )
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.first_name != "X"


@pytest.mark.django_db
def test_missing_person_is_404_with_the_custom_page(client_for, seller):
    response = client_for(seller).get(reverse("customers:person_detail", args=[999999]))
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


@pytest.mark.django_db
def test_read_only_user_sees_but_may_not_edit(client_for, seller, make_user, sales):
    reader = make_user("reader", role="Read only", team=sales)
    person = make_person(actor=seller)
    client = client_for(reader)
    page = client.get(reverse("customers:person_detail", args=[person.pk]))
    assert page.status_code == 200
    assert reverse("customers:person_update", args=[person.pk]) not in page.content.decode()
    assert client.get(reverse("customers:person_update", args=[person.pk])).status_code == 403
    assert client.get(reverse("customers:person_create")).status_code == 403


@pytest.mark.django_db
def test_history_tab_shows_who_changed_what_from_what_to_what(client_for, seller):
    person = make_person(actor=seller, first_name="Chinedu", source="walk-in")
    person_update(person=person, actor=seller, expected_version=person.version, source="Instagram")
    response = client_for(seller).get(reverse("customers:person_history", args=[person.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<del>walk-in</del>" in body
    assert "<ins>Instagram</ins>" in body
    assert "Sade Ade" in body
    assert "Source" in body


# ------------------------------------------------------------------ create and edit


@pytest.mark.django_db
def test_create_a_person_with_a_messy_phone(client_for, seller):
    response = client_for(seller).post(
        reverse("customers:person_create"),
        {
            "first_name": "Ngozi",
            "last_name": "Eze",
            "phone": "0803 123 4567",
            "email": "NGOZI@Example.com",
            "lifecycle_stage": "lead",
            "tags": "VIP, wholesale, vip",
        },
    )
    person = Person.objects.get(first_name="Ngozi")
    assert response.status_code == 302
    assert response.url == reverse("customers:person_detail", args=[person.pk])
    assert person.owner == seller and person.team == seller.team
    assert person.primary_phone == "+2348031234567"
    assert person.primary_email == "ngozi@example.com"
    assert sorted(t.name for t in person.tags.all()) == ["VIP", "wholesale"]


@pytest.mark.django_db
def test_create_form_shows_messages_next_to_the_fields(client_for, seller):
    custom_field_create(
        record_type="person", key="visits", label="Visits", field_type="integer", min_value=0
    )
    response = client_for(seller).post(
        reverse("customers:person_create"),
        {"first_name": "", "last_name": "", "phone": "12", "cf_visits": "many"},
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["first_name"] == ["Give the person at least one name."]
    assert Person.objects.count() == 0
    body = response.content.decode()
    assert "Please correct the fields marked below." in body


@pytest.mark.django_db
def test_service_errors_map_to_contact_and_custom_field_inputs(client_for, seller):
    custom_field_create(
        record_type="person", key="visits", label="Visits", field_type="integer", min_value=0
    )
    response = client_for(seller).post(
        reverse("customers:person_create"),
        {"first_name": "Ada", "phone": "12", "email": "not-an-email", "cf_visits": "many"},
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "phone" in errors
    assert "email" in errors
    assert errors["cf_visits"] == ["Enter a number."]
    assert Person.objects.count() == 0
    assert 'value="not-an-email"' in response.content.decode()


@pytest.mark.django_db
def test_service_error_keys_are_put_on_the_matching_inputs(seller):
    from django.core.exceptions import ValidationError

    from centric.customers.forms import PersonForm

    form = PersonForm({"first_name": "Ada", "phone": "0803 123 4567", "email": "a@example.com"})
    assert form.is_valid()
    form.add_service_errors(
        ValidationError(
            {
                "contact_points.1.value": ["Bad email."],
                "contact_points.0.value": ["Bad phone."],
                "lifecycle_stage_id": ["Unknown stage."],
                "custom_fields.tier": ["Unknown field."],
                "somewhere_else": ["Something else."],
            }
        )
    )
    assert form.errors["email"] == ["Bad email."]
    assert form.errors["phone"] == ["Bad phone."]
    assert form.errors["lifecycle_stage"] == ["Unknown stage."]
    assert form.non_field_errors() == ["Unknown field.", "Something else."]


@pytest.mark.django_db
def test_duplicate_external_id_is_shown_on_its_field(client_for, seller):
    make_person(actor=seller, external_id="SHOP-1")
    response = client_for(seller).post(
        reverse("customers:person_create"), {"first_name": "Ada", "external_id": "SHOP-1"}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["external_id"] == [
        "Another person already has this external id."
    ]


@pytest.mark.django_db
def test_edit_saves_and_bumps_the_version(client_for, seller):
    person = make_person(actor=seller, first_name="Ada", tags=["VIP"])
    client = client_for(seller)
    form = client.get(reverse("customers:person_update", args=[person.pk])).context["form"]
    assert form.initial["tags"] == "VIP"
    response = client.post(
        reverse("customers:person_update", args=[person.pk]),
        {
            "first_name": "Adaeze",
            "last_name": "Okafor",
            "version": person.version,
            "tags": "VIP, Lagos",
            "owner": seller.pk,
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.first_name == "Adaeze"
    assert person.version == 2
    assert sorted(t.name for t in person.tags.all()) == ["Lagos", "VIP"]


@pytest.mark.django_db
def test_concurrent_edit_is_refused_with_a_clear_message_and_input_kept(client_for, seller):
    person = make_person(actor=seller, first_name="Ada")
    loaded_version = person.version
    person_update(person=person, actor=seller, expected_version=loaded_version, source="radio")
    response = client_for(seller).post(
        reverse("customers:person_update", args=[person.pk]),
        {
            "first_name": "My edit",
            "last_name": "Okafor",
            "version": loaded_version,
            "owner": seller.pk,
        },
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this record while you were editing it." in body
    assert 'value="My edit"' in body
    person.refresh_from_db()
    assert person.first_name == "Ada"
    assert person.source == "radio"


# ------------------------------------------------------------------ contact points, organisations, consent


@pytest.mark.django_db
def test_add_edit_and_remove_a_contact_point(client_for, seller, make_user, sales):
    person = make_person(actor=seller)
    client = client_for(seller)
    response = client.post(
        reverse("customers:contact_point_add", args=[person.pk]),
        {"kind": "phone", "value": "234-803-765-4321", "label": "shop"},
    )
    assert response.status_code == 302
    point = ContactPoint.objects.get(person=person)
    assert point.value_normalized == "+2348037654321"
    response = client.post(
        reverse("customers:contact_point_edit", args=[person.pk, point.pk]),
        {"kind": "phone", "value": "0803 765 4322", "label": "home"},
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert (point.value_normalized, point.label) == ("+2348037654322", "home")
    # Removing needs the delete permission (the Manager role has it, Front office does not).
    manager = client_for(make_user("manager", role="Manager", team=sales))
    response = manager.post(reverse("customers:contact_point_remove", args=[person.pk, point.pk]))
    assert response.status_code == 302
    assert not ContactPoint.objects.filter(person=person).exists()


@pytest.mark.django_db
def test_bad_contact_point_shows_the_error_next_to_the_value(client_for, seller):
    person = make_person(actor=seller)
    response = client_for(seller).post(
        reverse("customers:contact_point_add", args=[person.pk]),
        {"kind": "email", "value": "nobody@"},
    )
    assert response.status_code == 422
    assert "value" in response.context["form"].errors
    assert not ContactPoint.objects.filter(person=person).exists()


@pytest.mark.django_db
def test_add_a_person_to_an_organisation_with_a_role(client_for, seller):
    person = make_person(actor=seller)
    organisation = organisation_create(actor=seller, name="Balogun Traders")
    response = client_for(seller).post(
        reverse("customers:membership_add", args=[person.pk]),
        {"organisation": organisation.pk, "role": "Buyer"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(person=person)
    assert (membership.organisation, membership.role) == (organisation, "Buyer")


@pytest.mark.django_db
def test_record_consent_with_when_and_how(client_for, seller):
    person = make_person(actor=seller)
    response = client_for(seller).post(
        reverse("customers:consent_record", args=[person.pk]),
        {"purpose": "marketing_email", "status": "granted", "method": "in_person"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    consent = person.consents.get()
    assert (consent.status, consent.method, consent.ip_address) == (
        "granted",
        "in_person",
        "10.1.2.3",
    )
    assert consent.recorded_by == seller


# ------------------------------------------------------------------ organisations


@pytest.mark.django_db
def test_organisation_pages(client_for, seller, outsider):
    VisibilityPolicy.objects.update_or_create(
        record_type="customers.organisation", defaults={"level": "private"}
    )
    client = client_for(seller)
    response = client.post(
        reverse("customers:organisation_create"),
        {"name": "Balogun Traders", "industry": "Retail", "phone": "0803 555 0000"},
    )
    assert response.status_code == 302
    from centric.customers.models import Organisation

    organisation = Organisation.objects.get(name="Balogun Traders")
    assert client.get(reverse("customers:organisation_list")).status_code == 200
    detail = client.get(reverse("customers:organisation_detail", args=[organisation.pk]))
    assert detail.status_code == 200 and "Retail" in detail.content.decode()
    edit = client.post(
        reverse("customers:organisation_update", args=[organisation.pk]),
        {"name": "Balogun Traders Ltd", "version": organisation.version, "owner": seller.pk},
    )
    assert edit.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Balogun Traders Ltd"
    other = client_for(outsider)
    assert (
        other.get(reverse("customers:organisation_detail", args=[organisation.pk])).status_code
        == 404
    )
    assert "Balogun" not in other.get(reverse("customers:organisation_list")).content.decode()


@pytest.mark.django_db
def test_organisation_form_requires_a_name(client_for, seller):
    response = client_for(seller).post(reverse("customers:organisation_create"), {"name": ""})
    assert response.status_code == 422
    assert response.context["form"].errors["name"] == ["This field is required."]


@pytest.mark.django_db
def test_organisation_list_query_count_does_not_grow_with_page_size(
    client_for, seller, django_assert_max_num_queries
):
    for index in range(30):
        organisation_create(actor=seller, name=f"Org {index:02d}")
    client = client_for(seller)
    client.get(reverse("customers:organisation_list"))
    with django_assert_max_num_queries(15) as small:
        client.get(reverse("customers:organisation_list"), {"size": 10})
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("customers:organisation_list"), {"size": 100})


@pytest.mark.django_db
def test_person_page_query_count_does_not_grow_with_the_record(
    client_for, seller, django_assert_max_num_queries
):
    from centric.customers.services import contact_point_add, membership_set
    from centric.interactions.services import interaction_create

    person = make_person(actor=seller, phone="0803 000 0001", tags=["VIP"])
    consent_record(
        person=person, purpose="marketing_phone", status="denied", method="staff", actor=seller
    )
    client = client_for(seller)
    url = reverse("customers:person_detail", args=[person.pk])
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    for index in range(5):
        contact_point_add(owner=person, kind="email", value=f"p{index}@example.com")
        membership_set(
            person=person, organisation=organisation_create(actor=seller, name=f"Org {index}")
        )
    for purpose in ("marketing_sms", "marketing_email", "profiling"):
        consent_record(
            person=person, purpose=purpose, status="granted", method="staff", actor=seller
        )
    for index in range(30):
        interaction_create(person=person, channel="sms", kind="message", summary=f"m{index}")
    with django_assert_max_num_queries(len(small.captured_queries), info=small.captured_queries):
        response = client.get(url)
    assert len(response.context["timeline_page"].items) == 20


@pytest.mark.django_db
def test_manager_may_delete_a_person_front_office_may_not(client_for, seller, make_user, sales):
    person = make_person(actor=seller)
    assert (
        client_for(seller).post(reverse("customers:person_delete", args=[person.pk])).status_code
        == 403
    )
    manager = make_user("boss", role="Manager", team=sales)
    sales.lead = manager
    sales.save()
    client = client_for(manager)
    assert (
        "Delete person"
        in client.get(reverse("customers:person_update", args=[person.pk])).content.decode()
    )
    response = client.post(reverse("customers:person_delete", args=[person.pk]))
    assert response.status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()


@pytest.mark.django_db
def test_history_shows_custom_field_and_contact_changes_with_labels(client_for, seller):
    from centric.customers.services import contact_point_update

    custom_field_create(record_type="person", key="loyalty_tier", label="Loyalty tier")
    person = make_person(
        actor=seller, phone="0803 123 4567", custom_fields={"loyalty_tier": "silver"}
    )
    person_update(
        person=person,
        actor=seller,
        expected_version=person.version,
        custom_fields={"loyalty_tier": "gold"},
    )
    point = person.contact_points.get()
    contact_point_update(point=point, actor=seller, label="shop")
    body = (
        client_for(seller)
        .get(reverse("customers:person_history", args=[person.pk]))
        .content.decode()
    )
    assert "Loyalty tier" in body
    assert "<del>silver</del> → <ins>gold</ins>" in body
    assert "<del>—</del> → <ins>shop</ins>" in body
    assert "Phone: 0803 123 4567" in body


@pytest.mark.django_db
def test_organisation_history_shows_changes_and_hides_from_others(client_for, seller, outsider):
    from centric.customers.services import organisation_update

    VisibilityPolicy.objects.update_or_create(
        record_type="customers.organisation", defaults={"level": "private"}
    )
    organisation = organisation_create(actor=seller, name="Balogun Traders", industry="Retail")
    organisation_update(
        organisation=organisation,
        actor=seller,
        expected_version=organisation.version,
        industry="Wholesale",
    )
    url = reverse("customers:organisation_history", args=[organisation.pk])
    body = client_for(seller).get(url).content.decode()
    assert "<del>Retail</del> → <ins>Wholesale</ins>" in body
    assert client_for(outsider).get(url).status_code == 404


@pytest.mark.django_db
def test_marking_a_person_lost_to_a_competitor(client_for, seller):
    person = make_person(actor=seller, first_name="Ada")
    client = client_for(seller)
    response = client.post(
        reverse("customers:person_update", args=[person.pk]),
        {
            "first_name": "Ada",
            "last_name": "Okafor",
            "version": person.version,
            "owner": seller.pk,
            "lifecycle_stage": "lost",
            "lost_at": "2026-11-01",
            "lost_to": "Shoprite",
        },
    )
    assert response.status_code == 302
    body = client.get(reverse("customers:person_detail", args=[person.pk])).content.decode()
    assert "1 Nov 2026 · to Shoprite" in body


@pytest.mark.django_db
def test_editing_away_both_owner_and_team_is_refused(client_for, seller):
    person = make_person(actor=seller, first_name="Ada")
    response = client_for(seller).post(
        reverse("customers:person_update", args=[person.pk]),
        {"first_name": "Ada", "last_name": "Okafor", "version": person.version},
    )
    assert response.status_code == 422
    assert "Choose an owner or a team" in response.context["form"].errors["owner"][0]
    person.refresh_from_db()
    assert person.owner == seller


@pytest.mark.django_db
def test_a_merged_away_person_redirects_to_the_surviving_record(client_for, seller):
    from centric.identity.services.merge import people_merge

    survivor = make_person(actor=seller, first_name="Ada")
    duplicate = make_person(actor=seller, first_name="Adaa")
    people_merge(actor=seller, survivor=survivor, others=[duplicate])
    response = client_for(seller).get(reverse("customers:person_detail", args=[duplicate.pk]))
    assert response.status_code == 302
    assert response.url == reverse("customers:person_detail", args=[survivor.pk])


@pytest.mark.django_db
def test_organisation_contact_points_add_edit_remove(client_for, seller, outsider):
    VisibilityPolicy.objects.update_or_create(
        record_type="customers.organisation", defaults={"level": "private"}
    )
    organisation = organisation_create(actor=seller, name="Balogun Traders")
    client = client_for(seller)
    response = client.post(
        reverse("customers:organisation_contact_point_add", args=[organisation.pk]),
        {"kind": "website", "value": "balogun.example.com"},
    )
    assert response.status_code == 302
    assert response.url == reverse("customers:organisation_detail", args=[organisation.pk])
    point = organisation.contact_points.get()
    response = client.post(
        reverse("customers:organisation_contact_point_edit", args=[organisation.pk, point.pk]),
        {"kind": "email", "value": "Sales@Balogun.example.com"},
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.value_normalized == "sales@balogun.example.com"
    other = client_for(outsider)
    url = reverse("customers:organisation_contact_point_remove", args=[organisation.pk, point.pk])
    assert other.post(url).status_code == 404
    assert client.post(url).status_code == 403  # Front office may not delete
    seller.user_permissions.add(Permission.objects.get(codename="delete_contactpoint"))
    assert client.post(url).status_code == 302
    assert not organisation.contact_points.exists()


@pytest.mark.django_db
def test_an_organisation_is_deleted_from_its_page_with_the_delete_permission(
    make_user, make_team, logged_in_client
):
    from centric.customers.models import Organisation
    from centric.customers.testing import make_organisation

    team = make_team("Wholesale")
    seller = make_user("wholesaler", team=team)
    boss = make_user("wholesale-boss", role="Manager", team=team)
    organisation = make_organisation(owner=seller, team=team, name="Adeyemi Traders")
    url = reverse("customers:organisation_delete", args=[organisation.pk])
    page = logged_in_client(boss).get(
        reverse("customers:organisation_detail", args=[organisation.pk])
    )
    assert url in page.content.decode()
    assert logged_in_client(seller).post(url).status_code == 403
    assert Organisation.objects.filter(pk=organisation.pk).exists()
    confirm = logged_in_client(boss).get(url)
    assert confirm.status_code == 200 and "Adeyemi Traders" in confirm.content.decode()
    done = logged_in_client(boss).post(url)
    assert done.status_code == 302 and done.url == reverse("customers:organisation_list")
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
