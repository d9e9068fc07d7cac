"""The audit log is append-only in Python and in the database: no bulk or raw SQL change or delete."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from centric.core.audit import audit
from centric.core.models import AuditEvent

TABLE = AuditEvent._meta.db_table


def _execute(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _row(event: AuditEvent) -> tuple:
    return tuple(
        AuditEvent.objects.filter(pk=event.pk).values_list(
            "kind", "occurred_at", "actor_id", "username", "ip_address", "detail"
        )[0]
    )


@pytest.fixture
def event(make_user):
    return audit(AuditEvent.Kind.EXPORT, actor=make_user("auditor"), detail={"rows": 3})


@pytest.mark.django_db
def test_a_bulk_update_is_refused_before_the_database(event):
    before = _row(event)
    with pytest.raises(PermissionError, match="append-only"):
        AuditEvent.objects.update(detail={"rows": 0})
    with pytest.raises(PermissionError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(username="someone-else")
    with pytest.raises(PermissionError, match="append-only"), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["detail"])
    assert _row(event) == before


@pytest.mark.django_db
def test_a_bulk_delete_is_refused_before_the_database(event):
    with pytest.raises(PermissionError, match="append-only"):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_the_database_refuses_an_update_that_skips_the_python_guard(event):
    before = _row(event)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent._base_manager.filter(pk=event.pk).update(detail={"rows": 0})
    assert _row(event) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "column, value",
    [
        ("kind", "sign_in"),
        ("occurred_at", datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)),
        ("username", "someone-else"),
        ("ip_address", "10.0.0.1"),
        ("detail", '{"rows": 0}'),
        ("id", 999_999),
    ],
)
def test_raw_sql_cannot_change_any_column(make_user, column, value):
    # A row without an actor: clearing the actor link is the one change allowed (user deletion),
    # so every other column must be refused even when the actor is already empty.
    anonymous = audit(AuditEvent.Kind.SIGN_IN_FAILED, username="ghost", detail={"rows": 3})
    with_actor = audit(AuditEvent.Kind.EXPORT, actor=make_user("actor"), detail={"rows": 3})
    for event in (anonymous, with_actor):
        before = _row(event)
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            _execute(f"UPDATE {TABLE} SET {column} = %s WHERE id = %s", [value, event.pk])
        assert _row(event) == before


@pytest.mark.django_db
def test_raw_sql_cannot_point_an_event_at_another_user(event, make_user):
    other = make_user("other")
    before = _row(event)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        _execute(f"UPDATE {TABLE} SET actor_id = %s WHERE id = %s", [other.pk, event.pk])
    assert _row(event) == before


@pytest.mark.django_db
def test_raw_sql_cannot_delete_an_event(event):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        _execute(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_deleting_a_user_keeps_their_events_and_username(event):
    """Clearing the actor link is the one change the database allows: the username stays."""
    before = _row(event)
    get_user_model().objects.filter(username="auditor").delete()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor is None
    assert stored.username == "auditor"
    assert _row(event) == (before[0], before[1], None, *before[3:])


@pytest.mark.django_db(transaction=True)
def test_flushing_the_whole_database_still_works(make_user):
    """Wiping every table (`flush`, which transactional tests run after each test) is not a
    change to the log: SQLite's flush deletes row by row, so it must pass the guard."""
    audit(AuditEvent.Kind.EXPORT, actor=make_user("flushed"), detail={"rows": 1})
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
