"""Full-text name search behind one function, on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

Names are stored folded (`search_key`: lower-case ASCII letters, digits and spaces), so both
engines tokenise them the same way and a query matches the same rows on both: every query word
must be a prefix of some word of the name.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from django.db import connection, models

from centric.core.normalise import fold_text

_NON_WORD = re.compile(r"[^a-z0-9]+")
MAX_TERMS = 6

_M = TypeVar("_M", bound=models.Model)


def search_key(text: str) -> str:
    """The searchable form of a name: "Adébáyọ̀ O'Neil-Smith" -> "adebayo o neil smith"."""
    return " ".join(_NON_WORD.sub(" ", fold_text(text)).split())


def query_terms(query: str) -> list[str]:
    return search_key(query).split()[:MAX_TERMS]


def fts_table(model: type[models.Model]) -> str:
    return f"{model._meta.db_table}_fts"


def prefix_search(queryset: models.QuerySet[_M], query: str) -> models.QuerySet[_M]:
    """Rows of `queryset` whose `search_name` has a word starting with each term of `query`."""
    terms = query_terms(query)
    if not terms:
        return queryset.none()
    table = queryset.model._meta.db_table
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{term}:*" for term in terms)
        return queryset.extra(  # noqa: S610 - parameters are bound, never interpolated
            where=[f"to_tsvector('simple', {table}.search_name) @@ to_tsquery('simple', %s)"],
            params=[tsquery],
        )
    match = " AND ".join(f'"{term}"*' for term in terms)
    return queryset.extra(  # noqa: S610 - parameters are bound, never interpolated
        where=[
            f"{table}.id IN (SELECT rowid FROM {fts_table(queryset.model)} WHERE {fts_table(queryset.model)} MATCH %s)"
        ],
        params=[match],
    )


def sqlite_fts_sql(table: str) -> list[str]:
    """DDL for an external-content FTS5 index on `table.search_name`, kept current by triggers."""
    fts = f"{table}_fts"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(search_name, content='{table}', content_rowid='id', tokenize='unicode61')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, search_name) VALUES (new.id, new.search_name); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_name) VALUES ('delete', old.id, old.search_name); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF search_name ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_name) VALUES ('delete', old.id, old.search_name); "
        f"INSERT INTO {fts}(rowid, search_name) VALUES (new.id, new.search_name); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def sqlite_fts_drop_sql(table: str) -> list[str]:
    fts = f"{table}_fts"
    return [f"DROP TRIGGER IF EXISTS {fts}_{suffix}" for suffix in ("ai", "ad", "au")] + [
        f"DROP TABLE IF EXISTS {fts}"
    ]


def postgres_search_index_sql(table: str) -> tuple[str, str]:
    name = f"{table}_search_gin"
    return (
        f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (to_tsvector('simple', search_name))",
        f"DROP INDEX IF EXISTS {name}",
    )


def ensure_sqlite_search_index(connection: Any, table: str) -> bool:
    """Re-create the FTS5 table and triggers if missing; returns True when it had to.

    SQLite migrations that alter a table rebuild it, which silently drops its triggers, so this
    runs after every `migrate` (post_migrate) rather than once in a migration.
    """
    fts = f"{table}_fts"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s, %s)",
            [f"{fts}_ai", f"{fts}_ad", f"{fts}_au"],
        )
        if cursor.fetchone()[0] == 3:
            return False
        for sql in sqlite_fts_drop_sql(table) + sqlite_fts_sql(table):
            cursor.execute(sql)
    return True
