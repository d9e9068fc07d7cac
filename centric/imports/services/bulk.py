"""Inserting many rows at once: `COPY … FROM STDIN` on PostgreSQL, `bulk_create` elsewhere.

COPY is several times faster than a multi-row INSERT for the batches an import writes, but it
returns no ids, so ids are taken from the table's sequence first (the objects get their pk
before the rows are sent, as `bulk_create` would give them). History rows are written the same
way, with the columns django-simple-history itself would fill.
"""

from __future__ import annotations

import json
import operator
from typing import Any

from django.db import connection, models
from django.utils import timezone


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _converter(field: models.Field):
    if isinstance(field, models.JSONField):

        def to_json(value):
            if value is None:
                return None
            if not value and isinstance(value, dict):
                return "{}"
            return json.dumps(value, cls=field.encoder)

        return to_json
    return None


def _plan(fields: list[models.Field], columns: list[str]) -> tuple[list[str], Any]:
    """Column order and a function giving each object's row: plain values are read together by
    `attrgetter` (in C); the few values that need converting (JSON) go last."""
    plain = [(f, c) for f, c in zip(fields, columns, strict=True) if _converter(f) is None]
    converted = [
        (f, c, _converter(f)) for f, c in zip(fields, columns, strict=True) if _converter(f)
    ]
    order = [c for _f, c in plain] + [c for _f, c, _convert in converted]
    attnames = [f.attname for f, _c in plain]
    # Read the instance's __dict__ (skips the field descriptors); a deferred field falls back.
    fast = operator.itemgetter(*attnames)
    slow = operator.attrgetter(*attnames)
    single = len(plain) == 1
    extra = [(f.attname, convert) for f, _c, convert in converted]

    def row(obj) -> tuple:
        try:
            values = fast(obj.__dict__)
        except KeyError:
            values = slow(obj)
        if single:
            values = (values,)
        if extra:
            values += tuple(convert(getattr(obj, attname)) for attname, convert in extra)
        return values

    return order, row


def _copy(table: str, columns: list[str], rows: list[tuple]) -> None:
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"  # noqa: S608 - names from model metadata
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _allocate_ids(model: type[models.Model], count: int) -> list[int]:
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def insert(model: type[models.Model], objects: list[models.Model]) -> None:
    """Insert new objects; afterwards each has its pk."""
    if not objects:
        return
    if not _is_postgres():
        model.objects.bulk_create(objects)
        return
    now = timezone.now()
    fields = list(model._meta.concrete_fields)
    auto_stamps = {
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    alias = connection.alias
    pk_attname = model._meta.pk.attname
    for obj, pk in zip(objects, _allocate_ids(model, len(objects)), strict=True):
        attributes = obj.__dict__
        attributes[pk_attname] = pk
        obj._state.adding = False
        obj._state.db = alias
        for attname in auto_stamps:
            attributes[attname] = now
    columns, row = _plan(fields, [f.column for f in fields])
    _copy(model._meta.db_table, columns, [row(obj) for obj in objects])


def insert_history(
    model: type[models.Model],
    objects: list[models.Model],
    *,
    update: bool = False,
    user: Any = None,
    reason: str = "",
    date=None,
) -> None:
    """Write one history row per object ("+" created or "~" changed), as simple-history would."""
    if not objects:
        return
    date = date or timezone.now()
    if not _is_postgres():
        model.history.bulk_history_create(
            objects,
            update=update,
            default_user=user,
            default_change_reason=reason,
            default_date=date,
        )
        return
    history_model = model.history.model
    tracked = list(history_model.tracked_fields)
    columns, row = _plan(tracked, [history_model._meta.get_field(f.name).column for f in tracked])
    columns += ["history_date", "history_change_reason", "history_type", "history_user_id"]
    tail = (date, reason or None, "~" if update else "+", user.pk if user is not None else None)
    _copy(history_model._meta.db_table, columns, [row(obj) + tail for obj in objects])


class InstanceFactory:
    """Builds unsaved model instances from attribute values without `Model.__init__`'s per-field
    work — an import builds millions of them. The result is an ordinary instance (defaults
    applied, `_state.adding` true) that `bulk_create` and `insert` accept."""

    def __init__(self, model: type[models.Model]) -> None:
        from django.db.models.base import ModelState

        self.model = model
        self.state_class = ModelState
        self.template: dict[str, Any] = {}
        self.callables: list[tuple[str, Any]] = []
        for field in model._meta.concrete_fields:
            if field.has_default() and callable(field.default):
                self.callables.append((field.attname, field.default))
            else:
                self.template[field.attname] = field.get_default()

    def __call__(self, **values: Any) -> models.Model:
        obj = self.model.__new__(self.model)
        obj._state = self.state_class()
        attributes = obj.__dict__
        attributes.update(self.template)
        for attname, default in self.callables:
            if attname not in values:
                attributes[attname] = default()
        attributes.update(values)
        return obj
