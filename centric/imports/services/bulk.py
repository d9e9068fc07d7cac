"""Inserting many rows at once: `COPY … FROM STDIN` on PostgreSQL, `bulk_create` elsewhere.

COPY is several times faster than a multi-row INSERT for the batches an import writes, but it
returns no ids, so ids are taken from the table's sequence first (the objects get their pk
before the rows are sent, as `bulk_create` would give them). History rows are written the same
way, with the columns django-simple-history itself would fill.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import re
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], str | None] | None:
    if isinstance(field, models.JSONField):

        def to_json(value: Any) -> str | None:
            if value is None:
                return None
            if not value and isinstance(value, dict):
                return "{}"
            return json.dumps(value, cls=field.encoder)

        return to_json
    return None


def _plan(fields: list[models.Field[Any, Any]], columns: list[str]) -> tuple[list[str], Any]:
    """Column order and a function giving each object's row: plain values are read together by
    `attrgetter` (in C); the few values that need converting (JSON) go last."""
    plain = [(f, c) for f, c in zip(fields, columns, strict=True) if _converter(f) is None]
    converted = [
        (f, c, convert)
        for f, c in zip(fields, columns, strict=True)
        if (convert := _converter(f)) is not None
    ]
    order = [c for _f, c in plain] + [c for _f, c, _convert in converted]
    attnames = [f.attname for f, _c in plain]
    # Read the instance's __dict__ (skips the field descriptors); a deferred field falls back.
    fast = operator.itemgetter(*attnames)
    slow = operator.attrgetter(*attnames)
    single = len(plain) == 1
    extra = [(f.attname, convert) for f, _c, convert in converted]

    def row(obj: Any) -> tuple[Any, ...]:
        values: tuple[Any, ...]
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


def _copy(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"  # noqa: S608 - names from model metadata
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(row)


_SEQUENCES: dict[tuple[str, str], str] = {}


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` ids from the table's sequence, as inserting the rows one by one would take them."""
    table = model._meta.db_table
    key = (connection.settings_dict["NAME"], table)
    with connection.cursor() as cursor:
        if key not in _SEQUENCES:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
            _SEQUENCES[key] = cursor.fetchone()[0]
        # The sequence named as a constant: looked up once, not once per id (~5x cheaper).
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [_SEQUENCES[key], count]
        )
        return [row[0] for row in cursor.fetchall()]


def existing_values(model: type[models.Model], attname: str, values: list[str]) -> list[str]:
    """Those of `values` some row of the table holds in the column: what an import's batch
    needs fetched as records, usually none of its 2,000 external ids for a new file. One array
    parameter on PostgreSQL (an `IN` list of 2,000 values costs the ORM and the driver ~25 µs
    a value to build and send); the ORM's `IN` elsewhere."""
    if not values:
        return []
    if not _is_postgres():
        found = model._default_manager.filter(**{f"{attname}__in": values})
        return list(found.values_list(attname, flat=True).distinct())
    field = model._meta.get_field(attname)
    assert isinstance(field, models.Field) and field.column  # a concrete column, not a relation
    column: str = field.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT {quote(column)} FROM {quote(model._meta.db_table)} "  # noqa: S608 - names from model metadata
            f"WHERE {quote(column)} = ANY(%s::text[])",
            [values],
        )
        return [row[0] for row in cursor.fetchall()]


def insert(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Insert new objects; afterwards each has its pk."""
    if not objects:
        return
    if not _is_postgres():
        model._default_manager.bulk_create(objects)
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
    for obj, pk in zip(objects, allocate_ids(model, len(objects)), strict=True):
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
    objects: Sequence[models.Model],
    *,
    update: bool = False,
    user: Any = None,
    reason: str = "",
    date: dt.datetime | None = None,
) -> None:
    """Write one history row per object ("+" created or "~" changed), as simple-history would."""
    if not objects:
        return
    date = date or timezone.now()
    if not _is_postgres():
        model.history.bulk_history_create(  # type: ignore[attr-defined]  # simple-history adds it
            objects,
            update=update,
            default_user=user,
            default_change_reason=reason,
            default_date=date,
        )
        return
    history_model = model.history.model  # type: ignore[attr-defined]  # simple-history adds it
    tracked = list(history_model.tracked_fields)
    columns, row = _plan(tracked, [history_model._meta.get_field(f.name).column for f in tracked])
    columns += ["history_date", "history_change_reason", "history_type", "history_user_id"]
    tail = (date, reason or None, "~" if update else "+", user.pk if user is not None else None)
    _copy(history_model._meta.db_table, columns, [row(obj) + tail for obj in objects])


# --- Rows given as attribute dicts, sent to COPY as preformatted text --------------------------

_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


_ISOFORMAT: dict[dt.datetime, str] = {}


def _datetime_cell(value: dt.datetime) -> str:
    # A batch stamps every row with the same moment: format it once.
    text = _ISOFORMAT.get(value)
    if text is None:
        if len(_ISOFORMAT) > 100:
            _ISOFORMAT.clear()
        text = _ISOFORMAT[value] = value.isoformat()
    return text


def copy_cell(value: Any) -> str:
    """One value in COPY's text format (what psycopg's `write_row` would send)."""
    if value is None:
        return "\\N"
    if type(value) is str:
        if "\\" not in value and value.isprintable():  # the common case, checked in C
            return value
        return value.translate(_COPY_ESCAPES) if _COPY_SPECIAL.search(value) else value
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return _datetime_cell(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return copy_cell(str(value))


_JSON_CELLS: dict[Any, Callable[[Any], str]] = {}


def _cell_converter(field: models.Field[Any, Any]) -> Callable[[Any], str]:
    """The function giving a value's COPY text; one per kind of field (the same object for a
    record's column and its history copy, so a row's value is converted once for both)."""
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        if encoder not in _JSON_CELLS:

            def json_cell(value: Any) -> str:
                if value is None:
                    return "\\N"
                if not value and isinstance(value, dict):
                    return "{}"
                return copy_cell(json.dumps(value, cls=encoder))

            _JSON_CELLS[encoder] = json_cell
        return _JSON_CELLS[encoder]
    return copy_cell


class CopyLayout:
    """How attribute dicts of one model become COPY text lines: the columns in table order, each
    with its converter, and the model's defaults for the attributes a row does not give."""

    def __init__(
        self, model: type[models.Model], fields: list[models.Field[Any, Any]], columns: list[str]
    ) -> None:
        self.model = model
        self.table = model._meta.db_table
        self.fields = list(fields)
        self.columns = list(columns)
        self.position = {f.attname: i for i, f in enumerate(fields)}
        self.converters = [_cell_converter(f) for f in fields]
        self.defaults: list[str] = []
        self.callables: list[tuple[int, str, Any]] = []
        for index, field in enumerate(fields):
            if field.has_default() and callable(field.default):
                self.callables.append((index, field.attname, field.default))
                self.defaults.append("")
            else:
                self.defaults.append(self.converters[index](field.get_default()))

    def cells(self, values: dict[str, Any]) -> list[str]:
        cells = self.defaults.copy()
        for index, attname, default in self.callables:
            if attname not in values:
                cells[index] = self.converters[index](default())
        position, converters = self.position, self.converters
        for attname, value in values.items():
            at = position.get(attname)
            if at is not None:
                cells[at] = converters[at](value)
        return cells

    def line(self, values: dict[str, Any], tail: str = "") -> str:
        return "\t".join(self.cells(values)) + tail

    def copy(self, lines: list[str], extra_columns: tuple[str, ...] = ()) -> None:
        copy_lines(self.table, [*self.columns, *extra_columns], lines)


HISTORY_COLUMNS = ("history_date", "history_change_reason", "history_type", "history_user_id")


def history_tail(*, date: dt.datetime, reason: str, user: Any) -> str:
    """The cells simple-history adds to a "+" row, preceded by a tab."""
    values = (date, reason or None, "+", user.pk if user is not None else None)
    return "\t" + "\t".join(copy_cell(v) for v in values)


def commit_without_waiting() -> None:
    """The current transaction's commit does not wait for its WAL to reach the disk
    (PostgreSQL's asynchronous commit, until the end of the outermost transaction, so the caller
    calls it in one of its own): an import commits hundreds of batches.
    A crash can lose the last batches' commits, never half of one, and the job's progress is
    committed with its batch, so a resumed import writes them again."""
    if _is_postgres():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def copy_lines(table: str, columns: list[str], lines: list[str]) -> None:
    """COPY text lines (tab-separated, escaped cells) into the named columns of a table."""
    if lines:
        quote = connection.ops.quote_name
        names = ", ".join(quote(c) for c in columns)
        sql = f"COPY {quote(table)} ({names}) FROM STDIN"  # noqa: S608 - names from model metadata
        payload = "\n".join(lines) + "\n"
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.cursor.copy(sql) as copy,
        ):
            copy.write(payload.encode())


class SplitLayout:
    """A layout whose leading columns (ids, owner, time stamps) the writing process fills in per
    batch; the other columns of a new row can be formatted earlier, in a preparing worker, as
    one string (`rest`). A line is then `head + "\\t" + rest`."""

    def __init__(self, layout: CopyLayout, leading: list[str]) -> None:
        self.layout = layout
        lead = [layout.position[attname] for attname in leading]
        rest = [i for i in range(len(layout.columns)) if i not in lead]
        self.table = layout.table
        self.columns = [layout.columns[i] for i in lead + rest]
        # The rest is a layout of its own: its cells start as the defaults' text, and a row
        # converts only the attributes it gives. The leading columns' defaults (e.g.
        # created_at's timezone.now) are the writer's business.
        self.tail = CopyLayout(
            layout.model, [layout.fields[i] for i in rest], [layout.columns[i] for i in rest]
        )

    def rest(self, values: dict[str, Any]) -> str:
        return self.tail.line(values)


class SharedRest:
    """The `rest` text of several split layouts (a record's and its history row's) from one
    attribute dict, each value converted once. Rows of an import come in few shapes (which
    attributes they give, in what order); for each shape the lines are one `str.format`
    template with the defaults' text in place, worked out once, so a row costs one conversion
    per value it gives and one `format` call per line."""

    def __init__(self, *layouts: SplitLayout) -> None:
        self.tails = [split.tail for split in layouts]
        self.plans: dict[tuple[str, ...], Any] = {}

    def _plan(self, names: tuple[str, ...]) -> Any:
        arguments: list[tuple[int, Callable[[Any], str]]] = []  # (value's index, converter)
        defaults: list[tuple[Callable[[Any], str], Callable[[], Any]]] = []
        slots: dict[tuple[int, Callable[[Any], str]], int] = {}
        default_slots: dict[tuple[str, Callable[[Any], str]], int] = {}
        templates: list[str] = []
        index_of = {name: i for i, name in enumerate(names)}
        for tail in self.tails:
            cells = [d.replace("{", "{{").replace("}", "}}") for d in tail.defaults]
            given: dict[int, str] = {}
            for at, field in enumerate(tail.fields):
                converter = tail.converters[at]
                if field.attname in index_of:
                    key = (index_of[field.attname], converter)
                    if key not in slots:
                        slots[key] = len(arguments)
                        arguments.append(key)
                    given[at] = f"{{a[{slots[key]}]}}"
            for at, attname, default in tail.callables:
                if at not in given:
                    default_key = (attname, tail.converters[at])
                    if default_key not in default_slots:
                        default_slots[default_key] = len(defaults)
                        defaults.append((tail.converters[at], default))
                    given[at] = f"{{d[{default_slots[default_key]}]}}"
            for at, text in given.items():
                cells[at] = text
            templates.append("\t".join(cells))
        plan = ([t.format for t in templates], arguments, defaults)
        self.plans[names] = plan
        return plan

    def rest(self, values: dict[str, Any]) -> list[str]:
        names = tuple(values)
        plan = self.plans.get(names) or self._plan(names)
        formats, arguments, defaults = plan
        given = list(values.values())
        a = [convert(given[i]) for i, convert in arguments]
        d = [convert(default()) for convert, default in defaults]
        return [line(a=a, d=d) for line in formats]


_LAYOUTS: dict[tuple[type[models.Model], bool], CopyLayout] = {}


def layout(model: type[models.Model], *, history: bool = False) -> CopyLayout:
    """The COPY layout of a model's table, or of its history table (the tracked fields, keyed
    by the model's attribute names; the history columns come after them)."""
    key = (model, history)
    if key not in _LAYOUTS:
        if history:
            history_model = model.history.model  # type: ignore[attr-defined]  # simple-history adds it
            tracked = list(history_model.tracked_fields)
            columns = [history_model._meta.get_field(f.name).column for f in tracked]
            _LAYOUTS[key] = CopyLayout(history_model, tracked, columns)
        else:
            fields = list(model._meta.concrete_fields)
            _LAYOUTS[key] = CopyLayout(model, fields, [f.column for f in fields])
    return _LAYOUTS[key]


def insert_values(
    model: type[models.Model], rows: list[dict[str, Any]], *, now: dt.datetime | None = None
) -> None:
    """Insert new records given as attribute dicts (attname -> value), the model's defaults filling
    the rest; afterwards each dict holds its pk and time stamps. No model instance is built on
    PostgreSQL (an import inserts millions of rows); elsewhere this is `bulk_create`."""
    if not rows:
        return
    now = now or timezone.now()
    stamps = [
        f.attname
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    pk_attname = model._meta.pk.attname
    if not _is_postgres():
        factory = InstanceFactory(model)
        objects = [factory(**values) for values in rows]
        for obj in objects:
            for attname in stamps:
                setattr(obj, attname, now)
        model._default_manager.bulk_create(objects)
        for values, obj in zip(rows, objects, strict=True):
            values[pk_attname] = obj.pk
            for attname in stamps:
                values[attname] = now
        return
    for values, pk in zip(rows, allocate_ids(model, len(rows)), strict=True):
        values[pk_attname] = pk
        for attname in stamps:
            values[attname] = now
    plain = layout(model)
    plain.copy([plain.line(values) for values in rows])


def insert_history_values(
    model: type[models.Model],
    rows: list[dict[str, Any]],
    *,
    user: Any = None,
    reason: str = "",
    date: dt.datetime | None = None,
) -> None:
    """One "+" history row per record inserted by `insert_values`, as simple-history would write."""
    if not rows:
        return
    date = date or timezone.now()
    if not _is_postgres():
        factory = InstanceFactory(model)
        insert_history(
            model, [factory(**values) for values in rows], user=user, reason=reason, date=date
        )
        return
    history = layout(model, history=True)
    tail = history_tail(date=date, reason=reason, user=user)
    history.copy([history.line(values, tail) for values in rows], HISTORY_COLUMNS)


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
