"""Hot statements as server-side prepared statements (PostgreSQL) and rows to model instances."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from centric.core.prepared import fetch_all, fetch_many, fetch_one, to_instances
from centric.customers.models import ContactPoint
from centric.customers.tests.factories import make_person


@pytest.mark.django_db
def test_fetch_returns_rows_and_column_names_and_is_logged_like_any_query():
    with CaptureQueriesContext(connection) as queries:
        rows, columns = fetch_all("SELECT %s AS a, %s AS b", [1, "two"])
    assert rows == [(1, "two")]
    assert columns == ["a", "b"]
    assert len(queries.captured_queries) == 1
    assert fetch_one("SELECT 1 AS one WHERE 1 = %s", [2]) == (None, ["one"])


@pytest.mark.django_db
def test_on_postgresql_the_statement_is_prepared_once_and_reused():
    sql = "SELECT CAST(%s AS integer) + 1 AS next"
    assert fetch_all(sql, [1])[0] == [(2,)]
    assert fetch_all(sql, [41])[0] == [(42,)]
    if connection.vendor != "postgresql":
        return  # SQLite has no server-side prepared statements: the results above are the test
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", ["%+ 1 AS next"]
        )
        prepared = cursor.fetchall()
    assert len(prepared) == 1
    assert "CAST($1 AS integer)" in prepared[0][0]


@pytest.mark.django_db
def test_to_instances_matches_the_orm_in_any_column_order(make_user):
    owner = make_user("owner")
    person = make_person(actor=owner, phone="0803 123 4567", email="ada@example.com")
    names = [f.column for f in ContactPoint._meta.concrete_fields][::-1]  # reversed on purpose
    rows, columns = fetch_all(
        f"SELECT {', '.join(names)} FROM {ContactPoint._meta.db_table} "  # noqa: S608
        "WHERE person_id = %s ORDER BY id",
        [person.pk],
    )
    got = to_instances(ContactPoint, columns, rows)
    expected = list(ContactPoint.objects.filter(person=person).order_by("id"))
    assert len(got) == 2
    for mine, theirs in zip(got, expected, strict=True):
        for field in ContactPoint._meta.concrete_fields:
            assert getattr(mine, field.attname) == getattr(theirs, field.attname), field.name
        assert isinstance(mine.is_primary, bool)


@pytest.mark.django_db
def test_fetch_many_returns_each_statements_own_rows_in_order():
    with CaptureQueriesContext(connection) as queries:
        results = fetch_many(
            [
                ("SELECT CAST(%s AS integer) AS a", [7]),
                ("SELECT %s AS b, %s AS c WHERE 1 = 0", ["x", "y"]),
                ("SELECT %s AS d", ["last"]),
            ]
        )
    assert results == [([(7,)], ["a"]), ([], ["b", "c"]), ([("last",)], ["d"])]
    assert len(queries.captured_queries) == 3


@pytest.mark.django_db(transaction=True)
def test_a_statement_prepared_before_a_migration_still_works_after_it():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE prepared_probe (id integer PRIMARY KEY, name varchar(10))")
        cursor.execute("INSERT INTO prepared_probe VALUES (1, 'ada')")
    try:
        sql = "SELECT * FROM prepared_probe WHERE id = %s"
        assert fetch_all(sql, [1])[0] == [(1, "ada")]
        with connection.cursor() as cursor:  # what a migration does to a live table
            cursor.execute("ALTER TABLE prepared_probe ADD COLUMN city varchar(20)")
            cursor.execute("UPDATE prepared_probe SET city = 'Lagos'")
        # on PostgreSQL the prepared plan's result type changed: "cached plan must not change
        # result type" unless the statement is prepared again on a new connection
        assert fetch_all(sql, [1]) == ([(1, "ada", "Lagos")], ["id", "name", "city"])
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE prepared_probe")
