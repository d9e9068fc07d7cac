"""The timeline reaches the people and organisation pages as a registered panel: the customers
app renders `registry.panels(label)` and imports nothing from interactions."""

import pytest
from django.urls import reverse

from centric.core.records import registry
from centric.customers.services import organisation_create
from centric.customers.tests.factories import make_person


def test_every_record_type_with_a_timeline_gets_a_timeline_panel():
    labels = [record_type.label for record_type in registry.timeline_targets()]
    assert {"customers.person", "customers.organisation", "kit_app.voucher"} <= set(labels)
    for label in labels:
        keys = [panel.key for panel in registry.panels(label)]
        # People and organisations show the interactions about them; every other record type
        # the interactions linked to it.
        assert "linked_interactions" in keys
        assert ("timeline" in keys) == (label in ("customers.person", "customers.organisation"))


@pytest.mark.django_db
def test_people_and_organisation_pages_render_the_timeline_panel(make_user, logged_in_client):
    seller = make_user("seller")
    person = make_person(actor=seller, first_name="Chinedu")
    organisation = organisation_create(actor=seller, name="Balogun Foods")
    client = logged_in_client(seller)
    for url, main_panels in (
        # The activities app's panel comes first (position 40), the timeline at 50.
        (reverse("customers:person_detail", args=[person.pk]), ["activities", "timeline"]),
        (
            reverse("customers:organisation_detail", args=[organisation.pk]),
            ["members", "activities", "timeline"],
        ),
    ):
        response = client.get(url)
        assert [item.panel.key for item in response.context["panels"]] == main_panels
        html = response.content.decode()
        assert html.count('id="panel-timeline"') == 1
        assert html.count('id="timeline-heading"') == 1
        assert 'id="interaction-form"' in html
    # The history page shows no timeline.
    history = client.get(reverse("customers:person_history", args=[person.pk]))
    assert 'id="timeline-heading"' not in history.content.decode()
