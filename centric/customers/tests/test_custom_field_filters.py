"""The `cf.<key>` list filter allows only the lookups each custom-field type documents; any
other (`__regex`, a path into the JSON) is refused with a message naming the parameter: on the
page as a filter error, over the API as a 422 problem, in exports as a 400."""

import pytest
from django.urls import reverse

from centric.core.api.testing import assert_problem
from centric.customers.tests.factories import make_person
from centric.extras.services import custom_field_create

pytestmark = pytest.mark.django_db

PEOPLE = reverse("customers:person_list")


@pytest.fixture
def people(seller):
    for key, field_type, extra in (
        ("tier", "text", {}),
        ("score", "number", {}),
        ("visits", "integer", {}),
        ("since", "date", {}),
        ("vip", "boolean", {}),
        ("size", "choice", {"choices": ["S", "M", "L"]}),
        ("billing", "email", {}),
        ("site", "url", {}),
    ):
        custom_field_create(
            record_type="person", key=key, label=key.title(), field_type=field_type, **extra
        )
    ada = make_person(
        actor=seller,
        first_name="Ada",
        custom_fields={
            "tier": "Gold plus",
            "score": 4.5,
            "visits": 3,
            "since": "2023-05-01",
            "vip": True,
            "size": "M",
            "billing": "Accounts@Ada.example.com",
            "site": "https://ada.example.com/shop",
        },
    )
    bola = make_person(
        actor=seller,
        first_name="Bola",
        custom_fields={"tier": "silver", "score": 2, "visits": 10, "since": "2024-02-10"},
    )
    return {"ada": ada.pk, "bola": bola.pk}


@pytest.fixture
def api(api_client, seller):
    client = api_client(seller)

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/people?{query}")
        assert response.status_code == 200, response.content
        return sorted(item["id"] for item in response.json()["items"])

    ids.client = client
    return ids


def test_regex_and_other_orm_lookups_are_refused_over_the_api(people, api):
    for query, param in (
        ("cf.tier__regex=.*", "cf.tier__regex"),
        ("cf.tier__iregex=^g", "cf.tier__iregex"),
        ("cf.tier__contains=o", "cf.tier__contains"),
        ("cf.tier__isnull=false", "cf.tier__isnull"),
        ("cf.tier__nested__icontains=a", "cf.tier__nested__icontains"),
        ("cf.score__icontains=4", "cf.score__icontains"),
        ("cf.vip__gt=0", "cf.vip__gt"),
        ("cf.size__istartswith=M", "cf.size__istartswith"),
        ("cf.billing__gt=a", "cf.billing__gt"),
        ("cf.nothing=1", "cf.nothing"),
        ("cf.score__gt=many", "cf.score__gt"),
        ("cf.since__lt=soon", "cf.since__lt"),
    ):
        body = assert_problem(api.client.get(f"/api/v1/people?{query}"), 422, field=param)
        assert body["errors"][0]["field"] == param, query


def test_each_type_filters_by_its_documented_lookups(people, api):
    ada, bola = people["ada"], people["bola"]
    assert api("cf.tier=silver") == [bola]
    assert api("cf.tier__exact=silver") == [bola]
    assert api("cf.tier__icontains=GOLD") == [ada]
    assert api("cf.tier__istartswith=sil") == [bola]
    assert api("cf.score=2") == [bola]
    assert api("cf.score__gt=3") == [ada]
    assert api("cf.score__lte=4.5") == [ada, bola]
    assert api("cf.visits__gte=10") == [bola]
    assert api("cf.visits__lt=10") == [ada]
    assert api("cf.since__gte=2024-01-01") == [bola]
    assert api("cf.since__lt=2024-01-01") == [ada]
    assert api("cf.vip=yes") == [ada]
    assert api("cf.size=M") == [ada]
    assert api("cf.billing=accounts@ada.example.com") == [ada]
    assert api("cf.billing__icontains=ada.example") == [ada]
    assert api("cf.site__icontains=/shop") == [ada]


def test_the_page_shows_a_refused_lookup_as_a_filter_error(people, seller, logged_in_client):
    response = logged_in_client(seller).get(PEOPLE, {"cf.tier__regex": ".*"})
    assert response.status_code == 200
    assert response.context["page"].items == []
    assert response.context["errors"] == [
        "“regex” is not a filter of the custom field “tier”; "
        "it can be filtered by: exact, icontains, istartswith."
    ]
    allowed = logged_in_client(seller).get(PEOPLE, {"cf.tier__icontains": "gold"})
    assert [p.pk for p in allowed.context["page"].items] == [people["ada"]]


def test_exports_refuse_the_same_lookups(people, make_user, sales, logged_in_client):
    manager = logged_in_client(make_user("manager", role="Manager", team=sales))
    refused = manager.get(reverse("imports:export_people_csv"), {"cf.tier__regex": ".*"})
    assert refused.status_code == 400
    assert "regex" in refused.content.decode()


def test_the_openapi_description_lists_the_allowed_lookups(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/people", "/api/v1/organisations"):
        parameters = schema["paths"][path]["get"]["parameters"]
        cf = next(p for p in parameters if p["name"] == "cf")
        assert (cf["in"], cf["style"], cf["explode"]) == ("query", "form", True)
        assert "`text`: `exact`, `icontains`, `istartswith`" in cf["description"]
        assert "`number`: `exact`, `gt`, `gte`, `lt`, `lte`" in cf["description"]
        assert "`boolean`: `exact`" in cf["description"]
        assert "regex" not in cf["schema"]["propertyNames"]["pattern"]
