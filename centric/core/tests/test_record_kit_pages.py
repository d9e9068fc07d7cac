"""The record kit end to end, through the test app's voucher: one registration gives the
navigation, the roles' permissions, custom-field targets, the visibility setting, pages with
field errors, 409s, history, bulk actions, exports and timeline links."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from centric.core.records import registry
from centric.core.tests.kit_app.models import Voucher
from centric.core.tests.kit_app.services import voucher_update
from centric.core.tests.kit_app.testing import make_voucher
from centric.extras.models import custom_field_targets
from centric.extras.services import custom_field_create
from centric.staff.roles import role_permissions
from centric.staff.services.visibility import configurable_record_types

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(make_team):
    return make_team("Sales")


@pytest.fixture
def seller(make_user, sales):
    return make_user("seller", team=sales)


@pytest.fixture
def manager(make_user, sales):
    return make_user("boss", role="Manager", team=sales)


@pytest.fixture
def outsider(make_user, make_team):
    return make_user("outsider", team=make_team("Service"))


def _form(**values):
    return {"code": "gift-9", "title": "Naming day", "value": "2500", "currency": "NGN", **values}


# --- what the registration feeds ---------------------------------------------------------------


def test_one_registration_feeds_roles_targets_visibility_and_navigation(logged_in_client, seller):
    assert registry.get("voucher").model is Voucher
    assert ("voucher", "Voucher") in custom_field_targets()
    assert "kit_app.voucher" in configurable_record_types()
    front_office = role_permissions("Front office")
    assert {"kit_app.view_voucher", "kit_app.add_voucher", "kit_app.change_voucher"} <= set(
        front_office
    )
    assert "kit_app.delete_voucher" not in front_office
    assert "kit_app.delete_voucher" in role_permissions("Manager")
    home = logged_in_client(seller).get(reverse("core:home")).content.decode()
    assert 'href="/kit/vouchers/"' in home


def test_navigation_needs_the_view_permission(logged_in_client, make_user, sales):
    nobody = make_user("nobody", role=None, team=sales)
    home = logged_in_client(nobody).get(reverse("core:home")).content.decode()
    assert 'href="/kit/vouchers/"' not in home
    assert 'href="/people/"' not in home


# --- create, edit, history ---------------------------------------------------------------------


def test_create_with_tags_and_a_custom_field(logged_in_client, seller, sales):
    custom_field_create(record_type="voucher", key="occasion", label="Occasion")
    client = logged_in_client(seller)
    response = client.post(
        reverse("kit_app:voucher_create"), _form(tags="VIP, Lekki, vip", cf_occasion="Wedding")
    )
    voucher = Voucher.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("kit_app:voucher_detail", args=[voucher.pk])
    assert voucher.code == "GIFT-9"
    assert voucher.owner == seller and voucher.team == sales
    assert voucher.custom_fields == {"occasion": "Wedding"}
    assert sorted(t.name for t in voucher.tags.all()) == ["Lekki", "VIP"]
    page = client.get(response.url).content.decode()
    assert "Wedding" in page and "Lekki" in page and "Naming day" in page


def test_field_errors_come_back_next_to_the_input_and_nothing_is_written(logged_in_client, seller):
    make_voucher(owner=seller, code="GIFT-9")
    response = logged_in_client(seller).post(
        reverse("kit_app:voucher_create"), _form(value="-5", owner="ghost")
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "owner" in errors
    assert Voucher.objects.count() == 1


def test_a_service_error_lands_on_its_field(logged_in_client, seller):
    make_voucher(owner=seller, code="GIFT-9")
    response = logged_in_client(seller).post(reverse("kit_app:voucher_create"), _form())
    assert response.status_code == 422
    assert response.context["form"].errors["code"] == [
        "This code is already used; choose another one."
    ]
    assert Voucher.objects.count() == 1


def test_a_stale_version_is_a_409_that_keeps_the_input(logged_in_client, seller):
    voucher = make_voucher(owner=seller, title="Old title")
    voucher_update(voucher, actor=seller, title="Changed meanwhile")
    response = logged_in_client(seller).post(
        reverse("kit_app:voucher_update", args=[voucher.pk]),
        _form(code=voucher.code, title="My edit", owner="seller", version=1),
    )
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    assert 'value="My edit"' in response.content.decode()
    voucher.refresh_from_db()
    assert voucher.title == "Changed meanwhile" and voucher.version == 2


def test_an_edit_is_in_the_history_with_who_and_what(logged_in_client, seller, sales):
    voucher = make_voucher(owner=seller, title="Old title", value=Decimal("100"))
    client = logged_in_client(seller)
    response = client.post(
        reverse("kit_app:voucher_update", args=[voucher.pk]),
        _form(
            code=voucher.code,
            title="New title",
            value="100",
            owner="seller",
            team=sales.pk,
            version=1,
        ),
    )
    assert response.status_code == 302
    history = client.get(reverse("kit_app:voucher_history", args=[voucher.pk]))
    entries = history.context["entries"]
    assert entries[0].who == seller
    assert [(c.field, c.old, c.new) for c in entries[0].changes] == [
        ("title", "Old title", "New title")
    ]


def test_an_external_id_held_by_a_hidden_record_is_refused_without_naming_it(
    logged_in_client, seller, outsider
):
    make_voucher(owner=outsider, external_id="ERP-1")
    make_voucher(owner=seller, external_id="ERP-2")
    client = logged_in_client(seller)
    hidden = client.post(reverse("kit_app:voucher_create"), _form(external_id="ERP-1"))
    visible = client.post(
        reverse("kit_app:voucher_create"), _form(code="gift-10", external_id="ERP-2")
    )
    assert hidden.status_code == visible.status_code == 422
    assert hidden.context["form"].errors["external_id"] == ["This external id cannot be used."]
    assert visible.context["form"].errors["external_id"] == [
        "Another voucher already has this external id."
    ]
    assert Voucher.objects.count() == 2


# --- who may do what ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["detail", "update", "delete", "history"])
def test_another_teams_record_is_a_404_on_every_page(logged_in_client, seller, outsider, page):
    voucher = make_voucher(owner=seller)
    response = logged_in_client(outsider).get(reverse(f"kit_app:voucher_{page}", args=[voucher.pk]))
    assert response.status_code == 404


def test_read_only_sees_but_may_not_change(logged_in_client, make_user, seller, sales):
    reader = make_user("reader", role="Read only", team=sales)
    voucher = make_voucher(owner=seller, title="Kept")
    client = logged_in_client(reader)
    assert client.get(reverse("kit_app:voucher_detail", args=[voucher.pk])).status_code == 200
    response = client.post(
        reverse("kit_app:voucher_update", args=[voucher.pk]), _form(title="Changed", version=1)
    )
    assert response.status_code == 403
    voucher.refresh_from_db()
    assert voucher.title == "Kept"


def test_delete_needs_the_delete_permission(logged_in_client, seller, manager):
    voucher = make_voucher(owner=seller)
    refused = logged_in_client(seller).post(reverse("kit_app:voucher_delete", args=[voucher.pk]))
    assert refused.status_code == 403
    assert Voucher.objects.filter(pk=voucher.pk).exists()
    done = logged_in_client(manager).post(reverse("kit_app:voucher_delete", args=[voucher.pk]))
    assert done.status_code == 302
    assert not Voucher.objects.filter(pk=voucher.pk).exists()


# --- the list ----------------------------------------------------------------------------------


def test_the_list_shows_only_visible_records_with_their_total(logged_in_client, seller, outsider):
    for _ in range(3):
        make_voucher(owner=seller)
    make_voucher(owner=outsider, title="Hidden one")
    response = logged_in_client(seller).get(reverse("kit_app:voucher_list") + "?size=10")
    assert response.status_code == 200
    assert response.context["total"] == 3
    assert len(response.context["rows"]) == 3
    assert "Hidden one" not in response.content.decode()


def test_the_list_pages_with_a_cursor(logged_in_client, seller):
    codes = [make_voucher(owner=seller).code for _ in range(12)]
    client = logged_in_client(seller)
    first = client.get(reverse("kit_app:voucher_list") + "?size=10")
    cursor = first.context["page"].next_cursor
    second = client.get(reverse("kit_app:voucher_list") + f"?size=10&cursor={cursor}")
    seen = [row.record.code for row in first.context["rows"] + second.context["rows"]]
    assert seen == sorted(codes)


def test_the_list_total_is_capped(logged_in_client, seller, monkeypatch):
    from centric.core.kit import pages

    for _ in range(4):
        make_voucher(owner=seller)
    monkeypatch.setattr(pages, "COUNT_CAP", 3)
    monkeypatch.setattr(pages.capped_count, "__defaults__", (3,))
    response = logged_in_client(seller).get(reverse("kit_app:voucher_list"))
    assert response.context["total"] == 3
    assert response.context["total_is_capped"] is True
    assert "More than 3 records" in response.content.decode()


def test_the_list_query_count_does_not_grow_with_rows(logged_in_client, seller):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged_in_client(seller)
    make_voucher(owner=seller)
    client.get(reverse("kit_app:voucher_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("kit_app:voucher_list"))
    for _ in range(6):
        make_voucher(owner=seller)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("kit_app:voucher_list"))
    assert len(many) == len(few)


def test_bulk_change_owner_touches_only_what_one_may_change(
    logged_in_client, seller, outsider, make_user, sales
):
    colleague = make_user("colleague", team=sales)
    mine = make_voucher(owner=seller)
    hidden = make_voucher(owner=outsider)
    response = logged_in_client(seller).post(
        reverse("kit_app:voucher_bulk"),
        {"action": "change_owner", "owner": "colleague", "ids": [mine.pk, hidden.pk]},
        follow=True,
    )
    assert response.status_code == 200
    mine.refresh_from_db()
    hidden.refresh_from_db()
    assert mine.owner == colleague
    assert hidden.owner == outsider
    messages = [str(m) for m in response.context["messages"]]
    assert "1 record(s) updated." in messages
    assert any("1 selected record(s) were left as they are" in m for m in messages)


def test_bulk_add_tag_and_bulk_delete_needs_the_delete_permission(
    logged_in_client, seller, manager
):
    first, second = make_voucher(owner=seller), make_voucher(owner=seller)
    client = logged_in_client(seller)
    client.post(
        reverse("kit_app:voucher_bulk"), {"action": "add_tag", "tag": "Promo", "ids": [first.pk]}
    )
    assert [t.name for t in first.tags.all()] == ["Promo"]
    assert not second.tags.exists()
    refused = client.post(
        reverse("kit_app:voucher_bulk"), {"action": "delete", "ids": [first.pk, second.pk]}
    )
    assert refused.status_code == 403
    assert Voucher.objects.count() == 2
    logged_in_client(manager).post(
        reverse("kit_app:voucher_bulk"), {"action": "delete", "ids": [first.pk]}
    )
    assert list(Voucher.objects.values_list("pk", flat=True)) == [second.pk]


def test_bulk_export_is_csv_of_visible_rows_with_formulas_neutralised(
    logged_in_client, seller, outsider
):
    mine = make_voucher(owner=seller, title="=HYPERLINK(1)")
    hidden = make_voucher(owner=outsider, title="Hidden")
    response = logged_in_client(seller).post(
        reverse("kit_app:voucher_bulk"), {"action": "export", "ids": [mine.pk, hidden.pk]}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["Code", "Title", "Value", "Expires on"]
    assert rows[1:] == [[mine.code, "'=HYPERLINK(1)", "5000.00", ""]]


# --- timeline links ----------------------------------------------------------------------------


def test_an_interaction_linked_to_a_record_shows_on_its_page_and_goes_with_it(
    logged_in_client, seller, manager
):
    from centric.customers.tests.factories import make_person
    from centric.interactions.models import InteractionLink
    from centric.interactions.services import interaction_create

    voucher = make_voucher(owner=seller)
    person = make_person(actor=seller, first_name="Adaeze")
    interaction_create(
        actor=seller,
        person=person,
        channel="whatsapp",
        kind="message",
        summary="Asked to redeem the voucher",
        links=[voucher],
    )
    page = logged_in_client(seller).get(reverse("kit_app:voucher_detail", args=[voucher.pk]))
    assert "Asked to redeem the voucher" in page.content.decode()
    logged_in_client(manager).post(reverse("kit_app:voucher_delete", args=[voucher.pk]))
    assert not InteractionLink.objects.exists()


@pytest.mark.django_db
def test_list_filters_by_tag_name_or_slug(logged_in_client, seller):
    tagged = make_voucher(owner=seller, code="TAGGED", tags=["Black Friday"])
    make_voucher(owner=seller, code="PLAIN")
    client = logged_in_client(seller)
    for value in ("black friday", "black-friday"):
        response = client.get(reverse("kit_app:voucher_list"), {"tag": value})
        assert [row.record.pk for row in response.context["rows"]] == [tagged.pk]
    page = client.get(reverse("kit_app:voucher_list")).content.decode()
    assert 'name="tag"' in page


def test_a_link_to_a_form_may_choose_its_fields_values(logged_in_client, seller):
    """`?title=…` on a create or edit link fills the form's own field; not a field the form
    does not have (the version, another record's owner)."""
    client = logged_in_client(seller)
    new = client.get("/kit/vouchers/new/", {"title": "Christmas hamper", "version": "99"})
    assert new.context["form"].initial["title"] == "Christmas hamper"
    assert "version" not in new.context["form"].initial
    voucher = make_voucher(owner=seller)
    edit = client.get(f"/kit/vouchers/{voucher.pk}/edit/", {"code": "NEW-1"})
    assert edit.context["form"].initial["code"] == "NEW-1"
    assert edit.context["form"].initial["version"] == voucher.version
