"""Hot, fixed statements run as server-side prepared statements on PostgreSQL.

A statement that reads one row by key is planned in 0.4–0.8 ms and run in 0.1 ms, so on the
API's hot path (token, person, contact points) planning was most of the database time. The
statements run through `fetch_all`/`fetch_one` are prepared once per connection (psycopg's
prepared-statement cache, keyed by the SQL text) and afterwards only executed.

Only statements whose best plan does not depend on the parameters belong here (lookups by
primary key or unique value): the ORM's own queries are never prepared (psycopg's automatic
preparation is off, see DATABASES in settings), because a generic plan could hurt queries with
skewed parameters such as name search. `CENTRIC_PREPARED_STATEMENTS=0` turns preparation off,
for connection poolers in transaction mode (PgBouncer) that cannot keep prepared statements.
On SQLite the statements run on Django's own cursor.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import Model

_M = TypeVar("_M", bound=Model)

Result = tuple[list[tuple[Any, ...]], list[str]]  # rows, column names


def fetch_all(sql: str, params: Sequence[Any] = ()) -> Result:
    """Rows and column names of a fixed statement (`%s` placeholders)."""
    return fetch_many([(sql, params)])[0]


def fetch_one(sql: str, params: Sequence[Any] = ()) -> tuple[tuple[Any, ...] | None, list[str]]:
    rows, columns = fetch_all(sql, params)
    return (rows[0] if rows else None), columns


def fetch_many(statements: Sequence[tuple[str, Sequence[Any]]]) -> list[Result]:
    """The results of several independent fixed statements; on PostgreSQL they travel together
    (psycopg's pipeline mode): one round trip to the server instead of one per statement."""
    if connection.vendor != "postgresql" or not getattr(
        settings, "CENTRIC_PREPARED_STATEMENTS", True
    ):
        results = []
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                results.append((cursor.fetchall(), [column[0] for column in cursor.description]))
        return results
    return _fetch_prepared(statements)


def _fetch_prepared(statements: Sequence[tuple[str, Sequence[Any]]]) -> list[Result]:
    import psycopg

    # What Django's own cursor does first: drop a dead connection, refuse a broken transaction.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    started = time.monotonic()
    with connection.wrap_database_errors:
        try:
            results = _run_prepared(connection.connection, statements)
        except psycopg.errors.FeatureNotSupported:
            # "cached plan must not change result type": a migration altered a table after
            # this connection prepared a statement on it. A new connection prepares afresh.
            if connection.in_atomic_block:
                raise
            connection.close()
            connection.ensure_connection()
            _columns.clear()
            results = _run_prepared(connection.connection, statements)
    if connection.queries_logged:  # what the debug cursor would record (tests count queries)
        elapsed = f"{time.monotonic() - started:.3f}"
        for sql, params in statements:
            connection.queries_log.append({"sql": f"{sql} -- {list(params)!r}", "time": elapsed})
    return results


def _run_prepared(raw: Any, statements: Sequence[tuple[str, Sequence[Any]]]) -> list[Result]:
    import psycopg

    cursors = [psycopg.Cursor(raw) for _ in statements]
    try:
        with raw.pipeline() if len(statements) > 1 else contextlib.nullcontext():
            for cursor, (sql, params) in zip(cursors, statements, strict=True):
                cursor.execute(sql, params, prepare=True)
        return [
            (cursor.fetchall(), _column_names(sql, cursor))
            for cursor, (sql, _params) in zip(cursors, statements, strict=True)
        ]
    finally:
        for cursor in cursors:
            cursor.close()


_columns: dict[str, list[str]] = {}


def _column_names(sql: str, cursor: Any) -> list[str]:
    """A statement's column names, read once per statement (building psycopg's column
    descriptions cost more than the rows on the hot path). Statements here name their columns
    (or select from a subquery that does), so the text decides the names."""
    names = _columns.get(sql)
    if names is None or len(names) != cursor.pgresult.nfields:
        if len(_columns) >= 512:  # fixed statements are few; never let the map grow unbounded
            _columns.clear()
        names = _columns[sql] = [column.name for column in cursor.description]
    return names


def to_instances(
    model: type[_M], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> list[_M]:
    """Model instances from rows of `SELECT <the model's columns>`, in any column order, with the
    same conversions the ORM applies (JSON text to objects; SQLite's integers to booleans)."""
    positions, attnames, converters = _loader(model, tuple(columns), connection.vendor)
    instances = []
    for row in rows:
        values = [row[position] for position in positions]
        for index, field_converters, expression in converters:
            value = values[index]
            for converter in field_converters:
                value = converter(value, expression, connection)
            values[index] = value
        instances.append(model.from_db(connection.alias, attnames, values))
    return instances


@functools.cache
def _loader(model: type[Model], columns: tuple[str, ...], vendor: str) -> tuple[Any, ...]:
    """Where each concrete field's value is in the row, and the converters it needs."""
    fields = model._meta.concrete_fields
    positions = [columns.index(field.column) for field in fields]
    converters = []
    for index, field in enumerate(fields):
        expression = field.get_col(model._meta.db_table)
        # Field.get_db_converters is missing from django-stubs 5.2
        found = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)  # type: ignore[attr-defined]
        if found:
            converters.append((index, found, expression))
    return positions, [field.attname for field in fields], converters
