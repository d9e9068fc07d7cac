"""Goodwill: given at once within the role's limits (per action, per period), above them it
waits and the approvers are asked; an approver — never the asker — answers from the page or the
API; nothing forces goodwill through above a limit; every action is on the customer's timeline
and in the report."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from centric.core.api.testing import assert_problem, call
from centric.customers.testing import make_person
from centric.goodwill.models import GoodwillAction, GoodwillReason, Status
from centric.goodwill.services import goodwill_answer, goodwill_create, goodwill_update
from centric.goodwill.settings_services import limit_save
from centric.notifications.models import Notification
from centric.tickets.testing import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(make_user, make_team):
    service = make_team("Service")
    ngozi = make_user("ngozi", role="Service desk", team=service)
    lead = make_user("lead", role="Manager", team=service)
    service.lead = lead
    service.save()
    limit_save(role=Group.objects.get(name="Service desk"), per_action=Decimal("20000"),
               per_period=Decimal("50000"), period="month")  # fmt: skip
    late = GoodwillReason.objects.create(name="Late delivery")
    caller = make_person(actor=ngozi, owner=ngozi, team=service, first_name="Kemi",
                         email="kemi@example.com")  # fmt: skip
    return {"service": service, "ngozi": ngozi, "lead": lead, "late": late, "caller": caller}


def give(desk, amount, **fields):
    return goodwill_create(actor=desk["ngozi"], kind=fields.pop("kind", "credit"), amount=amount,
                           reason=desk["late"], person=desk["caller"], **fields)  # fmt: skip


def test_within_the_limit_it_is_given_at_once(desk):
    action = give(desk, "15000")
    assert action.status == Status.GRANTED and action.given_at is not None
    assert action.currency == "NGN" and action.owner == desk["ngozi"]
    assert not Notification.objects.filter(title__startswith="Approve").exists()


def test_above_the_limit_per_action_it_waits_and_the_approver_is_asked(desk):
    action = give(desk, "25000")
    assert action.status == Status.PENDING and action.given_at is None
    assert "20,000.00 per action of Service desk" in action.limit_note
    asked = Notification.objects.get(user=desk["lead"], title__startswith="Approve goodwill")
    assert asked.url == f"/goodwill/{action.pk}/"
    assert not Notification.objects.filter(user=desk["ngozi"], title__startswith="Approve").exists()

    approved = goodwill_answer(action, actor=desk["lead"], approve=True, note="Loyal customer")
    assert approved.status == Status.APPROVED and approved.approver == desk["lead"]
    assert Notification.objects.filter(user=desk["ngozi"], title__startswith="Approved").exists()
    with pytest.raises(ValidationError, match="answered already"):
        goodwill_answer(approved, actor=desk["lead"], approve=False)


def test_the_period_total_counts_what_was_given_this_month(desk):
    give(desk, "20000")
    give(desk, "20000")
    third = give(desk, "15000")  # 40,000 given of 50,000: 10,000 left
    assert third.status == Status.PENDING and "10,000.00" in third.limit_note
    assert give(desk, "10000").status == Status.GRANTED


def test_nobody_approves_their_own_and_agents_cannot_approve(desk, make_user):
    asked = goodwill_create(actor=desk["lead"], kind="refund", amount="90000",
                            reason=desk["late"], person=desk["caller"])  # fmt: skip
    assert asked.status == Status.PENDING  # a Manager without a limit asks too
    with pytest.raises(PermissionDenied):
        goodwill_answer(asked, actor=desk["lead"], approve=True)
    with pytest.raises(PermissionDenied):
        goodwill_answer(give(desk, "99000"), actor=desk["ngozi"], approve=True)


def test_what_was_answered_cannot_change_and_a_waiting_one_is_judged_again(desk):
    given = give(desk, "5000")
    with pytest.raises(ValidationError, match="cannot change"):
        goodwill_update(given, actor=desk["ngozi"], amount="50000")
    assert goodwill_update(given, actor=desk["ngozi"], note="Called back").note == "Called back"
    waiting = give(desk, "30000")
    lowered = goodwill_update(waiting, actor=desk["ngozi"], amount="12000")
    assert lowered.status == Status.GRANTED


def test_bad_values_are_refused_and_nothing_is_written(desk):
    for amount, message in (("-5", "more than 0"), ("lots", "as a number"), ("0", "more than 0")):
        with pytest.raises(ValidationError, match=message):
            give(desk, amount)
    with pytest.raises(ValidationError, match="Say who"):
        goodwill_create(actor=desk["ngozi"], kind="credit", amount="10", reason=desk["late"])
    assert not GoodwillAction.objects.exists()


def test_a_ticket_gives_its_customer_and_shows_its_goodwill(desk, client):
    ticket = make_ticket(owner=desk["ngozi"], person=desk["caller"])
    action = goodwill_create(actor=desk["ngozi"], kind="replacement", amount="8000",
                             reason=desk["late"], ticket=ticket)  # fmt: skip
    assert action.person == desk["caller"]
    client.force_login(desk["ngozi"])
    page = client.get(f"/tickets/{ticket.pk}/").text
    assert f"/goodwill/{action.pk}/" in page and "Give goodwill" in page
    assert f"/goodwill/new/?ticket={ticket.pk}" in page
    from centric.interactions.models import Interaction

    step = Interaction.objects.get(person=desk["caller"], kind="system")
    assert step.subject == "Goodwill given: Replacement NGN 8,000.00"
    linked = {(link.content_type.model, link.object_id) for link in step.links.all()}
    assert linked == {("goodwillaction", action.pk), ("ticket", ticket.pk)}


def test_the_approver_answers_on_the_page(desk, client):
    action = give(desk, "30000")
    client.force_login(desk["ngozi"])
    assert (
        "Approve"
        not in client.get(f"/goodwill/{action.pk}/").text.split("Waiting for approval")[1][:400]
    )
    assert client.post(f"/goodwill/{action.pk}/answer/", {"answer": "approve"}).status_code == 302
    assert GoodwillAction.objects.get(pk=action.pk).status == Status.PENDING  # refused
    client.force_login(desk["lead"])
    page = client.get(f"/goodwill/{action.pk}/").text
    assert 'value="approve"' in page
    client.post(f"/goodwill/{action.pk}/answer/", {"answer": "decline", "note": "Too much"})
    action.refresh_from_db()
    assert (action.status, action.answer_note) == (Status.DECLINED, "Too much")


def test_the_api_cannot_force_goodwill_above_the_limit(desk, api_client, make_user):
    agent = api_client(desk["ngozi"])
    body = {"kind": "refund", "amount": "45000", "reason_id": desk["late"].pk,
            "person_id": desk["caller"].pk}  # fmt: skip
    forced = call(agent, "post", "/api/v1/goodwill-actions", {**body, "status": "granted"})
    assert_problem(forced, 422, field="status")
    assert not GoodwillAction.objects.exists()
    made = call(agent, "post", "/api/v1/goodwill-actions", body)
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "pending"
    action_id = made.json()["id"]
    refused = call(agent, "post", f"/api/v1/goodwill-actions/{action_id}/answer",
                   {"answer": "approve"})  # fmt: skip
    assert_problem(refused, 403)
    changed = call(agent, "patch", f"/api/v1/goodwill-actions/{action_id}", {"status": "approved"})
    assert_problem(changed, 422, field="status")
    assert GoodwillAction.objects.get(pk=action_id).status == Status.PENDING
    answered = call(api_client(desk["lead"]), "post",
                    f"/api/v1/goodwill-actions/{action_id}/answer", {"answer": "approve"})  # fmt: skip
    assert answered.json()["status"] == "approved"
    mine = {row["kind"]: row for row in call(agent, "get", "/api/v1/goodwill-limits/mine").json()}
    assert mine["refund"]["per_action"] == "20000.00" and mine["refund"]["given"] == "45000.00"
    outsider = api_client(make_user("outsider", role="Service desk"))
    assert call(outsider, "get", f"/api/v1/goodwill-actions/{action_id}").status_code == 404


def test_the_report_by_agent_and_reason_with_customers_retained(desk, client, api_client):
    give(desk, "15000")
    give(desk, "25000")  # waiting
    client.force_login(desk["lead"])
    page = client.get("/goodwill/report/")
    assert page.status_code == 200
    report = page.context["report"]
    ngozi = report.by_agent[0]
    assert (ngozi.label, ngozi.given, ngozi.value, ngozi.waiting) == (
        str(desk["ngozi"]), 1, Decimal("15000.00"), 1)  # fmt: skip
    assert "Late delivery" in page.text and f"?owner={desk['ngozi'].pk}" in page.text
    csv = client.get("/goodwill/report/?format=csv").content.decode()
    assert "agent," in csv and "15000.00" in csv
    api = call(api_client(desk["lead"]), "get", "/api/v1/goodwill-report").json()
    assert api["by_reason"][0]["name"] == "Late delivery" and api["by_reason"][0]["waiting"] == 1


def test_limits_and_reasons_settings(admin_user, client, desk):
    client.force_login(admin_user)
    role = Group.objects.get(name="Front office")
    saved = client.post("/goodwill/settings/", {"form": "limit", "role": role.pk, "kind": "discount",
                                               "per_action": "5,000", "per_period": "20000",
                                               "period": "week"})  # fmt: skip
    assert saved.status_code == 302
    refused = client.post("/goodwill/settings/", {"form": "limit", "role": role.pk,
                                                 "per_action": "9000", "per_period": "100"})  # fmt: skip
    assert "at least the limit per action" in refused.text
    client.post("/goodwill/settings/", {"form": "reason", "name": "Faulty item"})
    assert GoodwillReason.objects.filter(name="Faulty item").exists()
    client.force_login(desk["ngozi"])
    assert client.get("/goodwill/settings/").status_code == 403
