"""Full-text name search behind one function, on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

Names are stored folded (`search_key`: lower-case ASCII letters, digits and spaces), so both
engines tokenise them the same way and a query matches the same rows on both: every query word
must be a prefix of some word of the name.
"""

from __future__ import annotations

import functools
import re
from typing import Any, TypeVar

from django.db import connection, models
from rapidfuzz.distance import OSA

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


# --- Words near a misspelt one (typo-tolerant search) ---------------------------------------
#
# A word is near a typed word when removing at most one letter from each makes them equal: one
# letter changed, added, dropped or two neighbours swapped, anywhere in the word ("cinedu",
# "xhinedu" and "chinedo" are near "chinedu"; "nogzi" is near "ngozi"). The words come from the
# names themselves: on PostgreSQL a table of the distinct words of `search_name`, kept by a
# statement trigger and indexed by those one-letter deletions (`typo_words_sql`); on SQLite the
# FTS5 index's own vocabulary (fts5vocab), read whole and compared in Python.

TYPO_MIN_LETTERS = 3
TYPO_MAX_LETTERS = 30
_LETTERS = re.compile(r"[a-z]+")


def typo_keys(word: str) -> set[str]:
    """The word and each of it with one letter removed (for words of 3 to 30 letters): two
    words are near when their keys meet. The same as the SQL function centric_typo_keys."""
    if not (TYPO_MIN_LETTERS <= len(word) <= TYPO_MAX_LETTERS and _LETTERS.fullmatch(word)):
        return {word}
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def words_table(model: type[models.Model]) -> str:
    return f"{model._meta.db_table}_words"


def typo_words_fill_sql(table: str) -> str:
    """Add the words of every row (after a load that bypassed the triggers, as the bench's)."""
    return (
        f"INSERT INTO {table}_words (word) SELECT DISTINCT word FROM {table}, "  # noqa: S608
        "unnest(string_to_array(search_name, ' ')) AS word WHERE word ~ '^[a-z]{2,}$' "
        "ON CONFLICT DO NOTHING"
    )


def typo_words_sql(table: str) -> tuple[list[str], list[str]]:
    """PostgreSQL DDL (create, drop): the function giving a name's typo keys, the table of the
    distinct words of `table.search_name` (of two letters or more, letters only) with its index
    of keys, and the statement triggers
    that add the words of inserted and updated rows (COPY too), in word order so that two
    writers adding the same new words wait for each other instead of deadlocking."""
    words = f"{table}_words"
    create = [
        "CREATE OR REPLACE FUNCTION centric_typo_keys(name text) RETURNS text "
        "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ "
        "SELECT coalesce(string_agg(CASE WHEN i = 0 THEN word "
        "ELSE overlay(word PLACING '' FROM i FOR 1) END, ' '), '') "
        "FROM unnest(string_to_array(name, ' ')) AS words(word), "
        f"generate_series(0, CASE WHEN length(word) BETWEEN {TYPO_MIN_LETTERS} AND "
        f"{TYPO_MAX_LETTERS} THEN length(word) ELSE 0 END) AS i "
        "WHERE word ~ '^[a-z]+$' $$",
        # In code-point order whatever the database's collation: a prefix is a range.
        f'CREATE TABLE IF NOT EXISTS {words} (word text COLLATE "C" PRIMARY KEY)',
        f"CREATE INDEX IF NOT EXISTS {words}_typo_gin ON {words} "
        "USING gin (to_tsvector('simple', centric_typo_keys(word)))",
        f"CREATE OR REPLACE FUNCTION {words}_add() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN INSERT INTO {words} (word) "
        "SELECT DISTINCT word FROM added, unnest(string_to_array(added.search_name, ' ')) "
        "AS word WHERE word ~ '^[a-z]{2,}$' ORDER BY word "
        "ON CONFLICT DO NOTHING; RETURN NULL; END $$",
        f"DROP TRIGGER IF EXISTS {words}_on_insert ON {table}",
        f"CREATE TRIGGER {words}_on_insert AFTER INSERT ON {table} "
        f"REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION {words}_add()",
        f"DROP TRIGGER IF EXISTS {words}_on_update ON {table}",
        f"CREATE TRIGGER {words}_on_update AFTER UPDATE ON {table} "
        f"REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION {words}_add()",
        typo_words_fill_sql(table),
    ]
    drop = [
        f"DROP TRIGGER IF EXISTS {words}_on_insert ON {table}",
        f"DROP TRIGGER IF EXISTS {words}_on_update ON {table}",
        f"DROP FUNCTION IF EXISTS {words}_add()",
        f"DROP TABLE IF EXISTS {words}",
        "DROP FUNCTION IF EXISTS centric_typo_keys(text)",
    ]
    return create, drop


def words_may_start(model: type[models.Model], terms: list[str]) -> bool:
    """False when a word typed starts no word of `model`'s names, so a prefix search cannot
    match: one look-up in the words table instead of a full-text query, which reads every
    word a common prefix starts ("okafor:*") before it finds the other word ("cinedu:*")
    starts none. Always True on SQLite and for words the table does not hold (digits)."""
    checked = [t for t in dict.fromkeys(terms) if len(t) >= 2 and _LETTERS.fullmatch(t)]
    if connection.vendor != "postgresql" or not checked:
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM unnest(%s::text[]) AS typed(term) WHERE EXISTS ("
            f"SELECT 1 FROM {words_table(model)} "  # noqa: S608 - a table name, no input
            "WHERE word >= typed.term AND word < typed.term || '~')",
            [checked],
        )
        return bool(cursor.fetchone()[0] == len(checked))


# Near words kept per typed word, the nearest first: a short word has many neighbours.
NEAR_WORDS = 20


def _candidate_words(model: type[models.Model], terms: list[str]) -> list[str]:
    """Words of the names that may be near one of `terms` (a superset; the caller checks)."""
    keys = sorted({key for term in terms for key in typo_keys(term)})
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT word FROM {words_table(model)} "  # noqa: S608 - a table name, no input
                "WHERE to_tsvector('simple', centric_typo_keys(word)) "
                "@@ to_tsquery('simple', %s) LIMIT 2000",
                [" | ".join(keys)],
            )
            return [row[0] for row in cursor.fetchall()]
        fts = fts_table(model)
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{fts}_vocab USING fts5vocab(main, {fts}, row)"
        )
        shortest = min(len(t) for t in terms) - 1
        longest = max(len(t) for t in terms) + 1
        cursor.execute(
            f"SELECT term FROM temp.{fts}_vocab "  # noqa: S608 - a table name, no input
            "WHERE length(term) BETWEEN %s AND %s",
            [shortest, longest],
        )
        return [row[0] for row in cursor.fetchall()]


def near_words(model: type[models.Model], terms: list[str]) -> dict[str, list[str]]:
    """For each typed word of 3+ letters, the words of `model`'s search names near it (itself
    included when a name has it), the nearest first, at most NEAR_WORDS."""
    typed = [t for t in dict.fromkeys(terms) if len(typo_keys(t)) > 1]
    near: dict[str, list[str]] = {t: [] for t in terms}
    if not typed:
        return near
    keys = {t: typo_keys(t) for t in typed}
    for word in _candidate_words(model, typed):
        if not _LETTERS.fullmatch(word) or len(word) > TYPO_MAX_LETTERS:
            continue
        word_keys: set[str] | None = None
        for term in typed:
            if abs(len(word) - len(term)) > 1:
                continue
            word_keys = word_keys or typo_keys(word)
            if word_keys & keys[term]:
                near[term].append(word)
    for term in typed:
        near[term] = sorted(near[term], key=functools.partial(_closeness, term))
        near[term] = near[term][:NEAR_WORDS]
    return near


def _closeness(term: str, word: str) -> tuple[int, str]:
    """How far a word is from what was typed (the nearest first; ties by the word)."""
    return OSA.distance(term, word), word


def any_words_search(
    queryset: models.QuerySet[_M], groups: list[tuple[list[str], str]]
) -> models.QuerySet[_M]:
    """Rows of `queryset` whose `search_name` has, for each (words, prefix) group, one of the
    words or a word starting with the prefix: "(chinedu or chined…) and (okafor or oka…)"."""
    if not groups:
        return queryset.none()
    table = queryset.model._meta.db_table
    if connection.vendor == "postgresql":
        tsquery = " & ".join(
            "(" + " | ".join([*words, f"{prefix}:*"] if prefix else words) + ")"
            for words, prefix in groups
        )
        return queryset.extra(  # noqa: S610 - parameters are bound, never interpolated
            where=[f"to_tsvector('simple', {table}.search_name) @@ to_tsquery('simple', %s)"],
            params=[tsquery],
        )
    match = " AND ".join(
        "(" + " OR ".join([f'"{w}"' for w in words] + ([f'"{prefix}"*'] if prefix else [])) + ")"
        for words, prefix in groups
    )
    fts = fts_table(queryset.model)
    return queryset.extra(  # noqa: S610 - parameters are bound, never interpolated
        where=[f"{table}.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)"],
        params=[match],
    )
