"""The owner picker's look-up (/staff/lookup/users/) and its API twin (GET /api/v1/users?q=)."""

from __future__ import annotations

import pytest
from django.test import Client

from centric.core.models import AuditEvent
from centric.staff.models import User
from centric.staff.services.users import user_deactivate

pytestmark = pytest.mark.django_db

URL = "/staff/lookup/users/"


@pytest.fixture
def staff(make_user):
    return {
        "adebayo": make_user("abayo", first_name="Adébáyọ̀", last_name="Okafor"),
        "ada": make_user("ada.obi", first_name="Ada", last_name="Obi"),
        "bola": make_user("bola", first_name="Bola", last_name="Adeyemi"),
        "gone": make_user("adamu", first_name="Adamu", last_name="Sani"),
    }


def _values(response) -> list[str]:
    return [row["value"] for row in response.json()["results"]]


def test_anonymous_is_sent_to_sign_in(staff):
    response = Client().get(URL, {"q": "ad"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_without_permission_is_refused_and_audited(staff, make_user, logged_in_client):
    nobody = make_user("nobody", role=None)
    response = logged_in_client(nobody).get(URL, {"q": "ad"})
    assert response.status_code == 403
    assert b"Okafor" not in response.content
    assert AuditEvent.objects.filter(kind="permission_denied", actor=nobody).exists()


@pytest.mark.parametrize("role", ["Front office", "Read only", "Manager", "Administrator"])
def test_anyone_who_works_the_customer_lists_may_look_staff_up(
    role, staff, make_user, logged_in_client
):
    response = logged_in_client(make_user("looker", role=role)).get(URL, {"q": "bol"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "private, no-store"
    assert response.json() == {
        "results": [{"value": "bola", "label": "Bola Adeyemi", "detail": "bola"}]
    }


def test_only_get_is_allowed(staff, make_user, logged_in_client):
    response = logged_in_client(make_user("looker")).post(URL, {"q": "ad"})
    assert response.status_code == 405


def test_matches_word_prefixes_of_names_and_usernames_ignoring_case_and_accents(
    staff, make_user, logged_in_client
):
    client = logged_in_client(make_user("looker"))
    assert _values(client.get(URL, {"q": "ADEBA"})) == ["abayo"]
    assert _values(client.get(URL, {"q": "oka"})) == ["abayo"]  # last name
    assert _values(client.get(URL, {"q": "ada o"})) == ["ada.obi"]  # two words
    assert _values(client.get(URL, {"q": "abay"})) == ["abayo"]  # username
    # "ade" starts Adébáyọ̀ and Adeyemi, not the middle of a word
    assert _values(client.get(URL, {"q": "ade"})) == ["abayo", "bola"]
    assert _values(client.get(URL, {"q": "yemi"})) == []


def test_deactivated_staff_are_not_suggested(staff, make_user, logged_in_client, admin_user):
    user_deactivate(user=staff["gone"], actor=admin_user)
    client = logged_in_client(make_user("looker"))
    # by folded name: "ada obi…", "adebayo okafor…", "admin", "bola adeyemi…"
    assert _values(client.get(URL, {"q": "ad"})) == ["ada.obi", "abayo", "admin", "bola"]


def test_at_most_twenty_and_the_same_queries_however_many_staff(
    make_user, logged_in_client, django_assert_num_queries
):
    client = logged_in_client(make_user("looker"))
    with django_assert_num_queries(6) as few:  # session, user, MFA role, permissions x2, look-up
        client.get(URL, {"q": "mem"})
    User.objects.bulk_create(
        User(username=f"member{n:03d}", first_name="Member", search_name=f"member member{n:03d}")
        for n in range(300)
    )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(URL, {"q": "mem"})
    assert _values(response) == [f"member{n:03d}" for n in range(20)]


def test_a_blank_query_suggests_the_first_twenty_by_name(staff, make_user, logged_in_client):
    client = logged_in_client(make_user("looker", first_name="Zed"))
    assert _values(client.get(URL)) == ["ada.obi", "adamu", "abayo", "bola", "looker"]


def test_renaming_a_user_keeps_them_findable(staff, make_user, logged_in_client):
    bola = staff["bola"]
    bola.last_name = "Okonkwo"
    bola.save(update_fields=["last_name"])
    client = logged_in_client(make_user("looker"))
    assert _values(client.get(URL, {"q": "okon"})) == ["bola"]
    assert _values(client.get(URL, {"q": "adeyemi"})) == []


def test_the_api_looks_users_up_with_q(staff, make_user, api_client, admin_user):
    user_deactivate(user=staff["gone"], actor=admin_user)
    api = api_client(make_user("looker"))
    names = [row["username"] for row in api.get("/api/v1/users", {"q": "ade"}).json()["items"]]
    assert names == ["abayo", "bola"]
    everyone = api.get("/api/v1/users", {"q": "ad"}).json()["items"]  # by username
    assert [row["username"] for row in everyone] == ["abayo", "ada.obi", "adamu", "admin", "bola"]
    active = api.get("/api/v1/users", {"q": "ad", "is_active": "false"}).json()["items"]
    assert [row["username"] for row in active] == ["adamu"]
    assert Client().get("/api/v1/users", {"q": "ad"}).status_code == 401


def test_the_api_documents_the_look_up(staff, make_user, api_client):
    schema = api_client(make_user("looker")).get("/api/v1/openapi.json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/users"]["get"]["parameters"]}
    assert "ignoring case and accents" in parameters["q"]["description"]
    assert "is_active" in parameters
