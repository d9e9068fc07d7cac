"""SLA clocks with fixed clocks: targets in the team's business hours, public holidays, pauses
while pending the customer, a first answer, a new priority, a move between time zones, and the
worker's warnings and escalation, each step on the ticket."""

from __future__ import annotations

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from centric.customers.testing import make_person
from centric.notifications.models import Notification
from centric.tickets import sla
from centric.tickets.models import SlaEvent, Ticket
from centric.tickets.replies import ticket_message_add
from centric.tickets.services import ticket_create, ticket_update
from centric.tickets.sla_settings import calendar_save, policy_save
from centric.tickets.statuses import first_status
from centric.tickets.tasks import replan_slas

pytestmark = pytest.mark.django_db

LAGOS = ZoneInfo("Africa/Lagos")
OFFICE = {str(day): [["08:00", "17:00"]] for day in range(5)}


def lagos(year, month, day, hour=0, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=LAGOS)


class Clock:
    def __init__(self):
        self.now = lagos(2026, 11, 16, 9)

    def set(self, moment):
        self.now = moment


@pytest.fixture
def clock():
    fixed = Clock()
    with mock.patch("django.utils.timezone.now", side_effect=lambda: fixed.now):
        yield fixed


@pytest.fixture
def desk(make_user, make_team, clock):
    service, back = make_team("Service"), make_team("Back office")
    ada = make_user("ada", role="Service desk", team=service)
    chidi = make_user("chidi", role="Service desk", team=service)
    bola = make_user("bola", role="Service desk", team=back)
    service.lead, back.lead = chidi, bola
    service.save()
    back.save()
    calendar_save(
        name="Lagos office", week=OFFICE, holiday_country="NG", is_default=True, team_ids=[]
    )
    policy_save(
        name="Urgent",
        priority="urgent",
        first_response_minutes=60,
        resolution_minutes=240,
        warn_before_minutes=15,
        escalate_to_team_id=back.pk,
    )
    policy_save(name="Standard", first_response_minutes=240, resolution_minutes=16 * 60)
    caller = make_person(actor=ada, owner=ada, team=service, email="kemi@example.com")
    return {"service": service, "back": back, "ada": ada, "chidi": chidi, "bola": bola,
            "caller": caller}  # fmt: skip


def new(desk, **fields):
    return ticket_create(
        actor=desk["ada"],
        owner=desk["ada"],
        team=desk["service"],
        subject=fields.pop("subject", "My generator will not start"),
        person=desk["caller"],
        **fields,
    )


def steps(ticket):
    return [(e.clock, e.step) for e in SlaEvent.objects.filter(ticket=ticket)]


def test_friday_afternoon_ticket_is_due_on_monday_in_business_hours(desk, clock):
    clock.set(lagos(2026, 11, 13, 16))  # Friday 16:00
    ticket = new(desk)
    assert ticket.sla_policy.name == "Standard"
    assert ticket.first_response_due_at == lagos(2026, 11, 16, 11)  # 1 h Friday + 3 h Monday
    assert ticket.resolution_due_at == lagos(2026, 11, 17, 14)  # 16 h: 1 Fri, 9 Mon, 6 Tue
    assert ticket.sla_next_check_at == lagos(2026, 11, 16, 10, 30)  # warned 30 min before
    assert steps(ticket) == [("both", "started")]


def test_christmas_and_the_observed_boxing_day_do_not_count(desk, clock):
    clock.set(lagos(2026, 12, 24, 16))  # Thursday before Christmas
    ticket = new(desk, priority="urgent")
    assert ticket.first_response_due_at == lagos(2026, 12, 24, 17)
    assert ticket.resolution_due_at == lagos(2026, 12, 29, 11)  # 1 h Thu, then Tue 29th 3 h


def test_pending_the_customer_pauses_both_clocks_and_resuming_plans_again(desk, clock):
    ticket = new(desk, priority="urgent")  # Monday 09:00: answer by 10:00, solve by 13:00
    assert ticket.resolution_due_at == lagos(2026, 11, 16, 13)
    clock.set(lagos(2026, 11, 16, 9, 30))
    pending = first_status("pending_customer")
    ticket = ticket_update(ticket, actor=desk["ada"], status=pending)
    assert ticket.sla_clock_at is None and ticket.resolution_due_at is None
    assert ticket.sla_used_seconds == 30 * 60
    assert ticket.sla_next_check_at is None  # the scan skips it
    views = {v.label: v for v in sla.clocks(ticket)}
    assert views["Solution"].state == "paused" and views["Solution"].left_text == "3 h 30 min"

    clock.set(lagos(2026, 11, 18, 16))  # the customer answers on Wednesday at 16:00
    ticket = ticket_update(ticket, actor=desk["ada"], status=first_status("open"))
    assert ticket.first_response_due_at == lagos(2026, 11, 18, 16, 30)  # 30 min were left
    assert ticket.resolution_due_at == lagos(2026, 11, 19, 10, 30)  # 3 h 30: 1 h today, 2 h 30 Thu
    assert steps(ticket) == [("both", "started"), ("both", "paused"), ("both", "resumed")]


def test_the_first_public_reply_meets_the_first_answer_clock(desk, clock):
    ticket = new(desk)
    clock.set(lagos(2026, 11, 16, 10))
    ticket_message_add(ticket, actor=desk["ada"], kind="public", body="We are on it.")
    ticket.refresh_from_db()
    assert ticket.first_response_due_at is None
    assert ticket.sla_next_check_at == ticket.resolution_due_at - dt.timedelta(minutes=30)
    assert ("first_response", "met") in steps(ticket)
    note = ticket_message_add(ticket, actor=desk["ada"], kind="internal", body="Check stock")
    assert note.pk and steps(ticket).count(("first_response", "met")) == 1


def test_solving_meets_the_solution_clock_and_reopening_resumes_it(desk, clock):
    ticket = new(desk)
    clock.set(lagos(2026, 11, 16, 12))
    ticket = ticket_update(ticket, actor=desk["ada"], status=first_status("solved"))
    assert ticket.sla_next_check_at is None and ticket.sla_used_seconds == 3 * 3600
    assert ("resolution", "met") in steps(ticket)
    assert {v.state for v in sla.clocks(ticket)} == {"met"}
    clock.set(lagos(2026, 11, 17, 8))
    ticket = ticket_update(ticket, actor=desk["ada"], status=first_status("open"))
    assert ticket.resolution_due_at == lagos(2026, 11, 18, 12)  # 13 h left: 9 Tue, 4 Wed
    assert steps(ticket)[-1] == ("both", "resumed")


def test_a_new_priority_applies_the_other_policy_to_the_time_already_run(desk, clock):
    ticket = new(desk)
    clock.set(lagos(2026, 11, 16, 9, 40))
    ticket = ticket_update(ticket, actor=desk["ada"], priority="urgent")
    assert ticket.sla_policy.name == "Urgent"
    assert ticket.first_response_due_at == lagos(2026, 11, 16, 10)  # 40 of 60 min used
    assert ("both", "policy") in steps(ticket)


def test_moving_to_a_team_in_another_time_zone_counts_each_part_in_its_own_hours(
    desk, make_team, clock
):
    london = make_team("London desk")
    calendar_save(name="London", time_zone="Europe/London", week=OFFICE, team_ids=[london.pk])
    # Friday 23 Oct 2026, 16:00 Lagos (15:00 London, BST): 1 h of Lagos hours run to 17:00.
    clock.set(lagos(2026, 10, 23, 16))
    ticket = new(desk, priority="urgent")
    clock.set(lagos(2026, 10, 23, 17))
    ticket = ticket_update(ticket, actor=desk["ada"], team=london)
    assert ticket.sla_used_seconds == 3600
    # 3 h left in London's hours: it is 17:00 there too (BST and Lagos are both UTC+1), so
    # nothing on Friday; Monday 26th is GMT (the clocks went back on Sunday): 08:00–11:00
    # London is 09:00–12:00 Lagos.
    assert ticket.resolution_due_at == lagos(2026, 10, 26, 12)


def test_the_scan_warns_then_breaches_and_escalates_once_each_step_on_the_ticket(desk, clock):
    ticket = new(desk, priority="urgent")  # answer by 10:00
    clock.set(lagos(2026, 11, 16, 9, 44))
    assert sla.scan().warned == 0
    clock.set(lagos(2026, 11, 16, 9, 46))
    result = sla.scan()
    assert (result.looked_at, result.warned) == (1, 1)
    assert Notification.objects.filter(user=desk["ada"], title__startswith="Soon late").count() == 1
    assert sla.scan().looked_at == 0  # nothing more until the due time

    clock.set(lagos(2026, 11, 16, 10, 1))
    result = sla.scan()
    assert (result.breached, result.escalated) == (1, 1)
    ticket.refresh_from_db()
    assert ticket.first_response_breached_at == lagos(2026, 11, 16, 10)
    assert (ticket.team, ticket.owner) == (desk["back"], desk["bola"])
    for user in ("ada", "chidi", "bola"):  # assignee, the team's lead, the new team's lead
        assert Notification.objects.filter(user=desk[user], title__startswith="Late").exists()
    assert ticket.history.first().team_id == desk["back"].pk  # the move is in the history
    assert steps(ticket) == [
        ("both", "started"),
        ("first_response", "warned"),
        ("first_response", "breached"),
        ("first_response", "escalated"),
    ]
    assert sla.scan().looked_at == 0
    assert {v.label: v.state for v in sla.clocks(ticket)}["First answer"] == "late"


def test_a_settings_change_replans_open_tickets_from_what_has_run(
    desk, clock, django_capture_on_commit_callbacks
):
    ticket = new(desk)
    clock.set(lagos(2026, 11, 16, 10))
    standard = ticket.sla_policy
    with django_capture_on_commit_callbacks() as queued:
        policy_save(policy=standard, name="Standard", first_response_minutes=120,
                    resolution_minutes=16 * 60)  # fmt: skip
    assert [c.__self__.name for c in queued] == ["replan_slas"]  # the worker's task, after commit
    assert replan_slas.call() == 1
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == lagos(2026, 11, 16, 11)


def test_no_policy_no_clocks(desk, clock):
    from centric.tickets.models import SlaPolicy

    SlaPolicy.objects.update(is_active=False)
    ticket = new(desk)
    assert ticket.sla_policy is None and ticket.sla_next_check_at is None
    assert sla.clocks(ticket) == [] and steps(ticket) == []


def test_the_worker_task_scans_and_books_its_next_run(desk, clock):
    from centric.tickets.tasks import sla_scan

    ticket = new(desk, priority="urgent")
    clock.set(lagos(2026, 11, 16, 10, 5))
    with mock.patch("centric.tickets.tasks.ensure_scheduled") as book:
        assert sla_scan.call() == {"warned": 0, "breached": 1, "escalated": 1}
    assert book.call_args.args[1] == clock.now + dt.timedelta(minutes=1)
    assert Ticket.objects.get(pk=ticket.pk).first_response_breached_at is not None


def test_the_worker_books_the_scan_when_it_starts_once(db):
    from django_tasks_db.models import DBTaskResult

    from centric.core.schedule import book_repeating

    book_repeating()
    book_repeating()  # a second worker starting finds it booked
    waiting = DBTaskResult.objects.filter(task_path__endswith="sla_scan", status="READY")
    assert waiting.count() == 1
