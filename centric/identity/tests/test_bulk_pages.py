"""The review queue's groups and the "accept every group above a confidence" action, as pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centric.customers.models import Person
from centric.customers.tests.factories import make_person
from centric.identity.models import BulkMerge, CandidatePair
from centric.identity.services import review

EVIDENCE = [
    {"comparison": "phone", "level": "exact", "weight": 9.1, "left": "", "right": ""},
    {"comparison": "last name", "level": "exact", "weight": 6.5, "left": "", "right": ""},
]


@pytest.fixture
def team(make_team):
    return make_team("Sales")


@pytest.fixture
def manager(make_user, team):
    return make_user("manager", role="Manager", team=team)


def pair(a: Person, b: Person, probability: float) -> CandidatePair:
    low, high = sorted([a.pk, b.pk])
    return CandidatePair.objects.create(
        person_low_id=low, person_high_id=high, probability=probability, weight=5, evidence=EVIDENCE
    )


def group(actor, names: list[str], last_name: str, probabilities: list[float]) -> list[Person]:
    """Records chained by pairs of the given scores (the first to the second, and so on)."""
    people = [make_person(actor=actor, first_name=name, last_name=last_name) for name in names]
    for index, probability in enumerate(probabilities):
        pair(people[index], people[index + 1], probability)
    return people


@pytest.fixture
def queue(manager):
    return {
        "okafor": group(manager, ["Chinedu", "Chinedu", "Chined"], "Okafor", [0.99, 0.97]),
        "adeyemi": group(manager, ["Bisi", "Bisola"], "Adeyemi", [0.96]),
        "bakare": group(manager, ["Tunde", "Tunde"], "Bakare", [0.7]),
    }


@pytest.mark.django_db
def test_the_queue_shows_groups_strongest_first(manager, queue, logged_in_client):
    response = logged_in_client(manager).get(reverse("identity:queue"))
    assert response.status_code == 200
    groups = response.context["page"].items
    assert [len(c.person_ids) for c in groups] == [3, 2, 2]
    assert [c.max_probability for c in groups] == [0.99, 0.96, 0.7]
    html = response.content.decode()
    assert html.index("Okafor") < html.index("Adeyemi") < html.index("Bakare")
    assert "3 groups waiting for review" in html
    assert "weakest 97%" in html
    ids = ",".join(str(p.pk) for p in queue["okafor"])
    assert f"?ids={ids}" in html  # the group opens in the merge form
    assert 'name="threshold"' in html and 'for="id_threshold"' in html


@pytest.mark.django_db
def test_the_queue_of_groups_takes_the_same_queries_for_3_groups_or_40(
    manager, queue, logged_in_client
):
    client = logged_in_client(manager)
    client.get(reverse("identity:queue"))  # warm the session and permission caches
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("identity:queue"))
    for index in range(40):
        group(manager, ["Ada", "Ada"], f"Okeke{index}", [0.8 + index / 1000])
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("identity:queue"))
    assert len(response.context["page"].items) == 25
    assert response.context["page"].next_cursor == "25"
    # session, user, roles, perms, policy, teams, settings, recent actions, pairs, names, evidence
    assert len(many) == len(few) <= 12
    rest = client.get(reverse("identity:queue"), {"cursor": "25"}).context["page"]
    assert len(rest.items) == 43 - 25 and rest.previous_cursor == "0"
    bad = client.get(reverse("identity:queue"), {"cursor": "nonsense"})
    assert "not valid" in bad.content.decode()


@pytest.mark.django_db
def test_the_preview_says_how_many_groups_and_records_before_anything_is_merged(
    manager, queue, logged_in_client
):
    response = logged_in_client(manager).get(
        reverse("identity:accept_clusters"), {"threshold": "0.95"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # the partial, for htmx
    assert (
        "At 0.95: 2 groups of 5 records become 2 customers (3 records merged, each into its "
        "group's oldest record)." in html
    )
    assert "Merge 2 groups" in html
    assert Person.objects.filter(merged_into__isnull=False).count() == 0
    full = logged_in_client(manager).get(reverse("identity:accept_clusters"), {"threshold": "0.5"})
    assert "<html" in full.content.decode() and "Merge 3 groups" in full.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("threshold", ["", "abc", "0.2", "1.5"])
def test_a_bad_confidence_is_explained(manager, queue, logged_in_client, threshold):
    response = logged_in_client(manager).post(
        reverse("identity:accept_clusters"), {"threshold": threshold}
    )
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert BulkMerge.objects.count() == 0


@pytest.mark.django_db
def test_accepting_merges_the_groups_and_one_click_undoes_them(manager, queue, logged_in_client):
    client = logged_in_client(manager)
    response = client.post(reverse("identity:accept_clusters"), {"threshold": "0.95"})
    batch = BulkMerge.objects.get()
    assert response["Location"] == reverse("identity:bulk_merge", args=[batch.pk])
    okafor = queue["okafor"]
    assert Person.objects.filter(merged_into=okafor[0]).count() == 2
    assert Person.objects.filter(merged_into=queue["adeyemi"][0]).count() == 1
    assert Person.objects.filter(merged_into__isnull=False).count() == 3
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "2 group(s) merged" in html and "Undo all these merges" in html
    assert 'hx-trigger="every 2s"' not in html  # done: nothing to poll

    undone = client.post(reverse("identity:bulk_merge_undo", args=[batch.pk]), follow=True)
    assert "2 merge(s) undone" in undone.content.decode()
    assert Person.objects.filter(merged_into__isnull=False).count() == 0
    assert "Undo all these merges" not in undone.content.decode()


@pytest.mark.django_db
def test_many_groups_go_to_the_worker_and_the_page_polls(
    manager, queue, logged_in_client, monkeypatch
):
    monkeypatch.setattr(review, "INLINE_LIMIT", 1)
    client = logged_in_client(manager)
    preview = client.get(reverse("identity:accept_clusters"), {"threshold": "0.95"})
    assert "merged in the background" in preview.content.decode()
    response = client.post(reverse("identity:accept_clusters"), {"threshold": "0.95"}, follow=True)
    html = response.content.decode()
    assert "Waiting for a worker" in html and 'hx-trigger="every 2s"' in html
    assert Person.objects.filter(merged_into__isnull=False).count() == 0


@pytest.mark.django_db
def test_read_only_staff_see_groups_but_cannot_accept(make_user, team, queue, logged_in_client):
    reader = make_user("reader", role="Read only", team=team)
    client = logged_in_client(reader)
    queue_page = client.get(reverse("identity:queue")).content.decode()
    assert "Okafor" in queue_page and 'name="threshold"' not in queue_page
    preview = client.get(reverse("identity:accept_clusters"), {"threshold": "0.95"})
    assert "Merge 2 groups" not in preview.content.decode()
    assert (
        client.post(reverse("identity:accept_clusters"), {"threshold": "0.95"}).status_code == 403
    )
    assert BulkMerge.objects.count() == 0


@pytest.mark.django_db
def test_another_users_action_is_not_found(manager, make_user, make_team, queue, logged_in_client):
    logged_in_client(manager).post(reverse("identity:accept_clusters"), {"threshold": "0.95"})
    batch = BulkMerge.objects.get()
    outsider = make_user("outsider", role="Manager", team=make_team("Service"))
    client = logged_in_client(outsider)
    assert client.get(reverse("identity:bulk_merge", args=[batch.pk])).status_code == 404
    assert client.post(reverse("identity:bulk_merge_undo", args=[batch.pk])).status_code == 404
    assert Person.objects.filter(merged_into__isnull=False).count() == 3
