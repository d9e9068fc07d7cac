"""The benchmarks. Each adds its figures (with the bar and a verdict) to the run."""

from __future__ import annotations

import random
import time
from typing import Any

from bench import data
from bench.generate import BENCH_USERNAME
from bench.measure import Result, Run, time_calls

SEARCH_BAR_MS = 50
PERSON_BAR_MS = 100
LIST_BAR_MS = 150
API_BAR_RPS = 400
IMPORT_BAR_S = 60
IMPORT_BAR_RATIO = 4


# --- shared helpers ------------------------------------------------------------------------------
def bench_user():
    """A fresh copy of the bench user (a Front office member of Sales, not a superuser), so no
    permission or team cache survives from one measured call to the next, as in real requests."""
    from centric.staff.models import User

    return User.objects.get(username=BENCH_USERNAME)


def visible_ids(count: int, seed: int, *, busy_share: float = 0.0) -> list[int]:
    """`count` ids of people the bench user may see, chosen at random (seeded)."""
    from django.db import connection

    from centric.customers.selectors import people_visible

    user = bench_user()
    rng = random.Random(seed)
    compiler_sql, params = (
        people_visible(user).order_by().values("id").query.sql_with_params()
    )  # the visibility rule itself, not a copy of it
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM customers_person")  # noqa: S608
        top = cursor.fetchone()[0] or 0
        picked: list[int] = []
        busy = []
        if busy_share:
            cursor.execute(
                f"SELECT person_id FROM interactions_interaction WHERE person_id IN ({compiler_sql}) "  # noqa: S608
                "GROUP BY person_id ORDER BY count(*) DESC, person_id LIMIT 500",
                params,
            )
            busy = [row[0] for row in cursor.fetchall()]
        while len(picked) < count:
            if busy and rng.random() < busy_share:
                picked.append(rng.choice(busy))
                continue
            candidates = [rng.randint(1, top) for _ in range(50)]
            cursor.execute(
                f"SELECT id FROM ({compiler_sql}) visible WHERE id = ANY(%s)",  # noqa: S608
                [*params, candidates],
            )
            found = {row[0] for row in cursor.fetchall()}
            picked.extend(c for c in candidates if c in found)
    return picked[:count]


def url_available(path: str) -> bool:
    """True when `path` resolves to a view (the UI engineer may not have built it yet)."""
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    except Exception as error:
        # A URLconf that does not load is a broken application, not a page not built yet.
        raise RuntimeError(f"the URLconf does not load: {error!r}") from error
    return True


def logged_in_client():
    from django.test import Client

    client = Client()
    client.force_login(bench_user(), backend="django.contrib.auth.backends.ModelBackend")
    return client


def _verdict(value: float, bar: float, *, higher_is_better: bool = False) -> bool:
    return value >= bar if higher_is_better else value <= bar


def explain(queryset, *, analyze: bool = True) -> str:
    return queryset.explain(analyze=analyze, buffers=analyze)


# --- 1. the search box ---------------------------------------------------------------------------
def search_queries(samples: int, seed: int) -> dict[str, list[str]]:
    """Name prefixes of real generated names (2-4 letters, whole words, first + last), emails
    and phones in any written form, all of people the bench user can see."""
    from centric.customers.models import ContactPoint, Person

    rng = random.Random(seed)
    ids = visible_ids(samples * 3, seed)
    people = {p.id: p for p in Person.objects.filter(id__in=ids)}
    names: list[str] = []
    for person_id in ids[:samples]:
        person = people[person_id]
        words = person.search_name.split()
        word = rng.choice([words[0], words[-1]])
        shape = rng.random()
        if shape < 0.2:
            query = word[:2]
        elif shape < 0.4:
            query = word[:3]
        elif shape < 0.6:
            query = word[:4]
        elif shape < 0.8:
            query = rng.choice([person.first_name, person.last_name])
        else:
            query = f"{person.first_name} {person.last_name[:3]}"
        names.append(query)
    emails = list(
        ContactPoint.objects.filter(person_id__in=ids[samples:], kind="email")
        .order_by("person_id")
        .values_list("value", flat=True)[:samples]
    )
    phones = [
        data.messy_phone(e164, rng)
        for e164 in ContactPoint.objects.filter(
            person_id__in=ids[samples:], kind__in=("phone", "whatsapp")
        )
        .order_by("person_id")
        .values_list("value_normalized", flat=True)[:samples]
    ]
    tails = [
        "".join(ch for ch in phone if ch.isdigit())[-7:]
        for phone in ContactPoint.objects.filter(
            person_id__in=ids[samples:], kind__in=("phone", "whatsapp")
        )
        .order_by("-person_id")
        .values_list("value_normalized", flat=True)[:samples]
    ]
    domains = ["@" + email.rsplit("@", 1)[-1] for email in emails]
    typos = []
    for person_id in ids[:samples]:
        person = people[person_id]
        first = person.first_name
        if len(first) >= 5:  # one letter changed after the first three
            at = rng.randrange(3, len(first))
            first = first[:at] + ("a" if first[at] != "a" else "e") + first[at + 1 :]
        typos.append(f"{first} {person.last_name}")
    anywhere = []
    MEANT.clear()
    for person_id in ids[:samples]:
        person = people[person_id]
        query = typo_anywhere(person.first_name, person.last_name, rng)
        anywhere.append(query)
        MEANT.setdefault(query, set()).add(_first_and_last(person))
    return {
        "name prefix": names,
        "email": emails,
        "any-format phone": phones,
        "phone ending (7 digits)": tails,
        "email domain": domains,
        "misspelt name": typos,
        "misspelt name, any letter": anywhere,
    }


# The first and last names of the people each "misspelt name, any letter" query was made from:
# the search should show one of them or a namesake (common names fill more than a page).
MEANT: dict[str, set[str]] = {}


def _first_and_last(person) -> str:
    from centric.core.search import search_key

    return f"{search_key(person.first_name)} {search_key(person.last_name)}"


def typo_anywhere(first: str, last: str, rng: random.Random) -> str:
    """The name with one typo in its first or its last name, at any letter (the first ones
    too): a letter changed, dropped, added, or swapped with the next ("Xhinedu", "Cinedu",
    "Nogzi")."""
    from centric.core.search import search_key

    words = [search_key(first), search_key(last)]
    which = rng.randrange(2) if len(words[1]) >= 4 else 0
    word = words[which]
    if len(word) >= 4:
        at = rng.randrange(len(word) - 1)
        edit = rng.choice(("change", "drop", "add", "swap"))
        other = "x" if word[at] != "x" else "z"
        if edit == "change":
            word = word[:at] + other + word[at + 1 :]
        elif edit == "drop":
            word = word[:at] + word[at + 1 :]
        elif edit == "add":
            word = word[:at] + other + word[at:]
        elif word[at] != word[at + 1]:
            word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        else:
            word = word[:at] + other + word[at + 1 :]
    words[which] = word
    return " ".join(words)


def search(run: Run, args: Any) -> None:
    from centric.customers.selectors import search_customers

    queries = search_queries(args.samples, seed=101)
    for label, items in queries.items():
        misses = []
        not_meant: list[str] = []

        def call(query: str):
            return search_customers(bench_user(), query)

        def check(query, results, _elapsed, label=label, misses=misses, not_meant=not_meant):
            if label not in ("name prefix", "email domain") and not results.people:
                misses.append(query)
            elif query in MEANT and not MEANT[query] & set(map(_first_and_last, results.people)):
                not_meant.append(query)

        time_calls(items[:10], call)  # warm the connection and caches
        timings = time_calls(items, call, on_each=check)
        note = ""
        if misses:
            note = f"{len(misses)} of {len(items)} found nobody, e.g. {misses[:3]}"
        if not_meant:
            note += "; " if note else ""
            note += (
                f"{len(not_meant)} of {len(items)} showed others but not the person meant, "
                f"e.g. {not_meant[:3]}"
            )
        run.add(
            Result(
                f"search: {label} (search_customers, in-process)",
                timings.summary(),
                f"p95 ≤ {SEARCH_BAR_MS} ms",
                _verdict(timings.p95, SEARCH_BAR_MS),
                note,
            )
        )
        if label == "name prefix":
            slow = sorted(zip(timings.samples_ms, items, strict=False), reverse=True)[:5]
            print("    slowest: " + ", ".join(f"{q!r} {ms:.0f} ms" for ms, q in slow))
    team_index_what_if(run, queries["name prefix"])
    if url_available("/search/"):
        client = logged_in_client()
        items = queries["name prefix"] + queries["email"] + queries["any-format phone"]

        def get(query: str):
            response = client.get("/search/", {"q": query}, headers={"HX-Request": "true"})
            if response.status_code != 200:
                raise RuntimeError(f"/search/?q={query} answered {response.status_code}")
            return response

        time_calls(items[:10], get)
        timings = time_calls(items, get)
        run.add(
            Result(
                "search: /search/ as-you-type (HTTP, all query kinds)",
                timings.summary(),
                f"p95 ≤ {SEARCH_BAR_MS} ms",
                _verdict(timings.p95, SEARCH_BAR_MS),
            )
        )


class _RolledBack(Exception):
    pass


def team_index_what_if(run: Run, items: list[str]) -> None:
    """Name search without the plain FK index on customers_person.team_id.

    The candidate query ANDs the search index with a bitmap of `team_id IN (…)` (400,000 rows);
    the index is dropped inside a transaction that is rolled back, so nothing changes.
    """
    from django.db import connection, transaction

    from centric.customers.selectors import search_customers

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'customers_person' "
            "AND indexdef LIKE '%%(team_id)'"
        )
        row = cursor.fetchone()
    if not row:
        return
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f'DROP INDEX "{row[0]}"')
            time_calls(items[:10], lambda q: search_customers(bench_user(), q))
            timings = time_calls(items, lambda q: search_customers(bench_user(), q))
            raise _RolledBack
    except _RolledBack:
        pass
    run.add(
        Result(
            "search: name prefix — WHAT-IF without the plain index on team_id",
            timings.summary(),
            f"p95 ≤ {SEARCH_BAR_MS} ms",
            _verdict(timings.p95, SEARCH_BAR_MS),
            f"{row[0]} dropped inside a rolled-back transaction; person_owner_team remains",
        )
    )


# --- 2. the customer 360° page -------------------------------------------------------------------
def person(run: Run, args: Any) -> None:
    from centric.core.pagination import keyset_page
    from centric.customers.selectors import person_detail
    from centric.interactions.selectors import timeline

    ids = visible_ids(args.samples, seed=202, busy_share=0.2)

    def selectors(person_id: int):
        user = bench_user()
        record = person_detail(user, person_id)
        page = keyset_page(timeline(user, person=record), ordering=["-occurred_at", "-id"], size=25)
        return record, page

    time_calls(ids[:10], selectors)
    timings = time_calls(ids, selectors)
    run.add(
        Result(
            "360° page: person_detail + first timeline page (selectors)",
            timings.summary(),
            f"p95 ≤ {PERSON_BAR_MS} ms",
            _verdict(timings.p95, PERSON_BAR_MS),
            "20% of the sampled people are the busiest (hundreds of interactions each)",
        )
    )
    if url_available("/people/1/"):
        client = logged_in_client()

        def page(person_id: int):
            response = client.get(f"/people/{person_id}/")
            if response.status_code != 200:
                raise RuntimeError(f"/people/{person_id}/ answered {response.status_code}")
            return response

        time_calls(ids[:10], page)
        timings = time_calls(ids, page)
        run.add(
            Result(
                "360° page: GET /people/<id>/ (server time, Django test client)",
                timings.summary(),
                f"p95 ≤ {PERSON_BAR_MS} ms",
                _verdict(timings.p95, PERSON_BAR_MS),
            )
        )
    else:
        run.notes.append("360° page: /people/<id>/ not built yet; measured the selectors only.")


# --- 3. the people list --------------------------------------------------------------------------
LIST_CASES = [
    {"stage": "customer", "sort": "name"},
    {"stage": "lead", "sort": "-created"},
    {"owner": "me", "sort": "-name"},
    {"tag": "vip", "sort": "name"},
    {"source": "instagram", "sort": "-updated"},
]
FOLLOWED_PAGES = 20


def _middle_cursor(queryset, ordering: list[str]) -> str:
    """A cursor pointing at the middle of the filtered list (built once, not timed)."""
    from centric.core.pagination import _row_values, encode_cursor

    total = queryset.count()
    row = queryset.order_by(*ordering)[total // 2]
    return encode_cursor(_row_values(row, ordering), "next")


def people_list(run: Run, args: Any) -> None:
    from centric.core.pagination import keyset_page
    from centric.customers.filters import filter_people
    from centric.customers.selectors import people_visible

    first_pages, followed, middles = [], [], []
    worst: list[tuple[float, str]] = []
    http = url_available("/people/")
    client = logged_in_client() if http else None
    http_samples: list[float] = []
    for params in LIST_CASES:
        label = "&".join(f"{k}={v}" for k, v in params.items())

        def page(cursor: str | None, params=params):
            user = bench_user()
            queryset, ordering = filter_people(people_visible(user), params, user)
            return keyset_page(queryset, ordering=ordering, cursor=cursor, size=25)

        page(None)  # warm
        repeats = max(1, args.samples // (len(LIST_CASES) * 4))
        timings = time_calls([None] * repeats, page, budget_s=20)
        first_pages.extend(timings.samples_ms)
        worst.append((timings.p95, f"{label} first page"))
        cursor = page(None).next_cursor
        cursors = []
        for _ in range(FOLLOWED_PAGES):
            if not cursor:
                break
            cursors.append(cursor)
            cursor = page(cursor).next_cursor
        timings = time_calls(cursors, page, budget_s=20)
        followed.extend(timings.samples_ms)
        worst.append((timings.p95, f"{label} pages 2-{len(cursors) + 1}"))
        user = bench_user()
        queryset, ordering = filter_people(people_visible(user), params, user)
        middle = _middle_cursor(queryset, ordering)
        timings = time_calls([middle] * repeats, page, budget_s=20)
        middles.extend(timings.samples_ms)
        worst.append((timings.p95, f"{label} middle of the list"))
        if http:
            query = {**params}
            for cursor_value in [None, *cursors[:5], middle]:
                if cursor_value:
                    query["cursor"] = cursor_value
                started = time.perf_counter()
                response = client.get("/people/", query)
                http_samples.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"/people/?{label} answered {response.status_code}")
    from bench.measure import Timings

    for name, samples in (
        ("first page", first_pages),
        (f"pages 2-{FOLLOWED_PAGES + 1} by following cursors", followed),
        ("a page in the middle of the table (built cursor)", middles),
    ):
        timings = Timings(samples)
        run.add(
            Result(
                f"people list, filter + sort: {name} (filter_people + keyset_page)",
                timings.summary(),
                f"p95 ≤ {LIST_BAR_MS} ms",
                _verdict(timings.p95, LIST_BAR_MS),
            )
        )
    slow = [f"{label}: p95 {ms:.0f} ms" for ms, label in sorted(worst, reverse=True)[:4]]
    print("    slowest cases: " + "; ".join(slow))
    run.notes.append(
        "people list cases: "
        + "; ".join("&".join(f"{k}={v}" for k, v in c.items()) for c in LIST_CASES)
        + ". Slowest: "
        + "; ".join(slow)
    )
    updated_index_what_if(run)
    if http:
        timings = Timings(http_samples)
        run.add(
            Result(
                "people list: GET /people/?filter&sort&cursor (Django test client)",
                timings.summary(),
                f"p95 ≤ {LIST_BAR_MS} ms",
                _verdict(timings.p95, LIST_BAR_MS),
            )
        )
    else:
        run.notes.append("people list: /people/ not built yet; measured the selectors only.")


WHAT_IF_INDEX = "bench_what_if_person_updated"


def updated_index_what_if(run: Run) -> None:
    """`sort=-updated` has no index: measure it with the proposed one, then drop it again."""
    from django.db import connection

    from centric.core.pagination import keyset_page
    from centric.customers.filters import filter_people
    from centric.customers.selectors import people_visible

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_indexes WHERE tablename = 'customers_person' "
            "AND indexdef LIKE '%%(updated_at DESC, id DESC)%%'"
        )
        if cursor.fetchone():
            return  # the application has the index: nothing to imagine
        started = time.perf_counter()
        cursor.execute(
            f"CREATE INDEX {WHAT_IF_INDEX} ON customers_person (updated_at DESC, id DESC)"
        )
        built = time.perf_counter() - started
    try:
        params = {"source": "instagram", "sort": "-updated"}

        def page(cursor_value):
            user = bench_user()
            queryset, ordering = filter_people(people_visible(user), params, user)
            return keyset_page(queryset, ordering=ordering, cursor=cursor_value, size=25)

        cursors, cursor_value = [None], page(None).next_cursor
        for _ in range(FOLLOWED_PAGES):
            if not cursor_value:
                break
            cursors.append(cursor_value)
            cursor_value = page(cursor_value).next_cursor
        timings = time_calls(cursors * 3, page, budget_s=20)
        run.add(
            Result(
                "people list, source=instagram&sort=-updated — WHAT-IF with an index on "
                "(updated_at DESC, id DESC)",
                timings.summary(),
                f"p95 ≤ {LIST_BAR_MS} ms",
                _verdict(timings.p95, LIST_BAR_MS),
                f"index built for the measurement in {built:.0f} s and dropped afterwards; "
                "proposed for Person.Meta.indexes",
            )
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {WHAT_IF_INDEX}")


def api(run: Run, args: Any) -> None:
    from bench.api import run_api

    run_api(run, args)


def import_(run: Run, args: Any) -> None:
    from bench.csv_import import run_import

    run_import(run, args)


def sales(run: Run, args: Any) -> None:
    from bench.sales import run as sales_run

    sales_run(run, args)


def service(run: Run, args: Any) -> None:
    from bench.service import run as service_run

    service_run(run, args)


BY_NAME = {
    "search": search,
    "person": person,
    "list": people_list,
    "api": api,
    "import": import_,
    "sales": sales,
    "service": service,
}
