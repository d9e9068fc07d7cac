"""Record links: a record's foreign key to another registered record type (a voucher that
replaces another here; a deal's customer in sales) names only a record the user may see, on the
pages (a type-ahead, not a select of every row) and in the API (`replaces_id`)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from centric.core.api.testing import call
from centric.core.tests.kit_app.models import Voucher
from centric.core.tests.kit_app.testing import make_voucher

URL = "/api/v1/vouchers"


@pytest.fixture
def world(make_user, make_team):
    sales, service = make_team("Sales"), make_team("Service")
    ada = make_user("ada", team=sales)
    bola = make_user("bola", team=service)
    return {
        "ada": ada,
        "bola": bola,
        "mine": make_voucher(owner=ada, code="OLD-SALES", title="Old sales voucher"),
        "theirs": make_voucher(owner=bola, code="OLD-SERVICE", title="Service voucher"),
    }


@pytest.mark.django_db
def test_api_links_to_a_visible_record_and_filters_by_it(world, api_client):
    client = api_client(world["ada"])
    body = {"code": "NEW-1", "title": "Replacement", "value": "100"}
    created = call(client, "post", URL, {**body, "replaces_id": world["mine"].pk})
    assert created.status_code == 201, created.content
    assert created.json()["replaces_id"] == world["mine"].pk
    assert Voucher.objects.get(code="NEW-1").replaces == world["mine"]
    listed = call(client, "get", f"{URL}?replaces_id={world['mine'].pk}").json()
    assert [item["code"] for item in listed["items"]] == ["NEW-1"]


@pytest.mark.django_db
def test_api_refuses_a_link_to_a_hidden_record_like_a_missing_one(world, api_client):
    client = api_client(world["ada"])
    body = {"code": "NEW-2", "title": "Replacement", "value": "100"}
    hidden = call(client, "post", URL, {**body, "replaces_id": world["theirs"].pk})
    missing = call(client, "post", URL, {**body, "replaces_id": 999_999})
    assert hidden.status_code == missing.status_code == 422
    assert hidden.json()["errors"] == missing.json()["errors"]
    assert "replaces_id" in str(hidden.json()["errors"])
    assert not Voucher.objects.filter(code="NEW-2").exists()
    patched = call(
        client, "patch", f"{URL}/{world['mine'].pk}", {"replaces_id": world["theirs"].pk}
    )
    assert patched.status_code == 422
    world["mine"].refresh_from_db()
    assert world["mine"].replaces is None


@pytest.mark.django_db
def test_form_links_only_to_visible_records(world, logged_in_client):
    client = logged_in_client(world["ada"])
    url = reverse("kit_app:voucher_create")
    page = client.get(url).content.decode()
    assert "OLD-SERVICE" not in page  # no select listing every row
    assert reverse("core:record_lookup", args=["voucher"]) in page
    base = {"code": "NEW-3", "title": "Replacement", "value": "100", "currency": "NGN"}
    base.update({"owner": "ada", "version": ""})
    refused = client.post(url, {**base, "replaces": world["theirs"].pk})
    assert refused.status_code == 422
    assert "There is no such voucher." in refused.content.decode()
    assert not Voucher.objects.filter(code="NEW-3").exists()
    accepted = client.post(url, {**base, "replaces": world["mine"].pk})
    assert accepted.status_code == 302
    assert Voucher.objects.get(code="NEW-3").replaces == world["mine"]
    edit = client.get(
        reverse("kit_app:voucher_update", args=[Voucher.objects.get(code="NEW-3").pk])
    )
    assert "OLD-SALES (Old sales voucher)" in edit.content.decode()  # the linked record, named


@pytest.mark.django_db
def test_lookup_lists_only_visible_records(world, logged_in_client, make_user):
    url = reverse("core:record_lookup", args=["voucher"])
    results = logged_in_client(world["ada"]).get(url, {"q": "old"}).json()["results"]
    assert [item["value"] for item in results] == [str(world["mine"].pk)]
    assert results[0]["label"] == "OLD-SALES (Old sales voucher)"
    nobody = make_user("nobody", role=None)
    assert logged_in_client(nobody).get(url, {"q": "old"}).status_code == 404
    assert (
        logged_in_client(world["ada"])
        .get(reverse("core:record_lookup", args=["no-such-type"]))
        .status_code
        == 404
    )
