"""Build the scale dataset (1M people, 5M interactions by default) into the bench database.

Rows go straight into the application's own tables (after `migrate`) with PostgreSQL COPY, every
column filled as the services would fill it: folded search names, E.164 phones, lower-cased
emails, the denormalised primary email/phone, version 1, stamps, owner and team (so the
visibility rule really filters), lifecycle stage. Secondary indexes are dropped during the load
and rebuilt afterwards, foreign-key triggers are skipped (`session_replication_role = replica`;
the generator only writes ids it has created; the words of names the typo search reads, which a
trigger would keep, are added with the indexes), then everything is ANALYZEd.

Resumable: each stage commits on its own and is recorded in `bench_meta`; a re-run skips what is
done (and the whole thing when the dataset is complete with the requested sizes).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Callable, Iterable

import psycopg

from bench import data
from bench.env import psycopg_conninfo

SEED = 20261123
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
SPAN_DAYS = 730
CHUNK = 20_000

TEAMS = [  # name, kind, share of customer records
    ("Management", "management", 0),
    ("Sales", "sales", 40),
    ("Service", "service", 30),
    ("Marketing", "marketing", 20),
    ("Back office", "back_office", 10),
]
STAFF_PER_TEAM = 8
BENCH_USERNAME = "bench.front"
TAGS = [
    "VIP",
    "Wholesale",
    "Lekki branch",
    "Ikeja branch",
    "Abuja branch",
    "Instagram lead",
    "Layaway",
    "Late payer",
    "Bulk buyer",
    "Newsletter",
    "Diaspora",
    "Corporate gifting",
]
ORG_WORDS = [
    "Foods",
    "Pharmacy",
    "Textiles",
    "Motors",
    "Electronics",
    "Ventures",
    "Logistics",
    "Fashion",
    "Stores",
    "Agro",
    "Hub",
]
ORG_SUFFIXES = ["Ltd", "Enterprises", "& Sons", "Nigeria Ltd", "Global", "Plc", ""]
ROLES = ["Owner", "Manager", "Procurement", "Accounts", "Director", "Buyer", ""]

STAGES = [
    "schema",
    "staff",
    "organisations",
    "people",
    "links",
    "interactions",
    "indexes",
    "analyze",
]
LOADED_TABLES = [
    "customers_organisation",
    "customers_person",
    "customers_contactpoint",
    "customers_membership",
    "customers_person_tags",
    "customers_consent",
    "interactions_interaction",
]


def _ts(seconds: float) -> str:
    return (START + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S+00")


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        text = text.replace("\r", "\\r")
    return text


def missing_columns(table: str, columns: list[str]) -> tuple[list[str], str]:
    """Columns of `table`'s model that the generator does not write, and the COPY text of their
    defaults: a column added by a later migration (NOT NULL, no database default) would
    otherwise break the load."""
    from django.apps import apps

    model = next(m for m in apps.get_models(include_auto_created=True) if m._meta.db_table == table)
    extra_columns, extra_values = [], []
    for field in model._meta.concrete_fields:
        if field.column in columns or field.primary_key:
            continue  # an id left out comes from its sequence
        value = field.get_default()
        if isinstance(value, dict | list):
            value = json.dumps(value)
        extra_columns.append(field.column)
        extra_values.append(_copy_text(value))
    return extra_columns, "".join(f"\t{value}" for value in extra_values)


def _with_suffix(block: str, suffix: str) -> str:
    return block.replace("\n", f"{suffix}\n") if suffix else block


def _line(values: Iterable) -> str:
    return "\t".join(_copy_text(v) for v in values) + "\n"


class Generator:
    def __init__(
        self,
        url: str,
        *,
        people: int = 1_000_000,
        interactions: int = 5_000_000,
        organisations: int | None = None,
        seed: int = SEED,
        log: Callable[[str], None] = print,
    ):
        self.url = url
        self.conninfo = psycopg_conninfo(url)
        self.people = people
        self.interactions = interactions
        self.organisations = organisations if organisations is not None else max(people // 50, 10)
        self.seed = seed
        self.log = log
        self.names = data.Names(seed)
        self.params = {
            "people": people,
            "interactions": interactions,
            "organisations": self.organisations,
            "seed": seed,
        }

    # --- bookkeeping -------------------------------------------------------------------------
    def connect(self) -> psycopg.Connection:
        conn = psycopg.connect(self.conninfo)
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("SET synchronous_commit = off")
        return conn

    def meta(self) -> dict:
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb NOT NULL)"
            )
            return dict(conn.execute("SELECT key, value FROM bench_meta").fetchall())

    def set_meta(self, key: str, value, conn: psycopg.Connection | None = None) -> None:
        sql = (
            "INSERT INTO bench_meta (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
        )
        if conn is not None:
            conn.execute(sql, [key, json.dumps(value)])
            return
        with psycopg.connect(self.conninfo, autocommit=True) as own:
            own.execute(sql, [key, json.dumps(value)])

    def is_complete(self) -> bool:
        meta = self.meta()
        return meta.get("params") == self.params and all(
            f"done:{stage}" in meta for stage in STAGES
        )

    def counts(self) -> dict[str, int]:
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            return {
                table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
                for table in LOADED_TABLES
            }

    # --- the run -----------------------------------------------------------------------------
    def run(self) -> dict:
        """Generate what is missing; returns {stage: seconds} and the total."""
        meta = self.meta()
        if meta.get("params") != self.params:
            with psycopg.connect(self.conninfo, autocommit=True) as conn:
                conn.execute("DELETE FROM bench_meta WHERE key LIKE 'done:%'")
            self.set_meta("params", self.params)
            meta = self.meta()
        timings = {}
        redo = False
        for stage in STAGES:
            if not redo and f"done:{stage}" in meta:
                timings[stage] = meta[f"done:{stage}"]
                continue
            redo = True
            started = time.perf_counter()
            self.log(f"  generating: {stage} …")
            getattr(self, f"stage_{stage}")()
            seconds = round(time.perf_counter() - started, 1)
            self.set_meta(f"done:{stage}", seconds)
            self.log(f"  generated:  {stage} in {seconds:.1f} s")
            timings[stage] = seconds
        timings["total"] = round(sum(v for k, v in timings.items() if k != "total"), 1)
        self.set_meta("generation_seconds", timings)
        return timings

    def stage_schema(self) -> None:
        """Remember the secondary indexes of the loaded tables, then drop them for the load."""
        meta = self.meta()
        with self.connect() as conn:
            saved = meta.get("indexes") or {}
            for table in LOADED_TABLES:
                rows = conn.execute(
                    """
                    SELECT i.relname, pg_get_indexdef(i.oid)
                    FROM pg_index x
                    JOIN pg_class i ON i.oid = x.indexrelid
                    JOIN pg_class t ON t.oid = x.indrelid
                    WHERE t.relname = %s
                      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
                    """,
                    [table],
                ).fetchall()
                for name, definition in rows:
                    saved[name] = definition
            self.set_meta("indexes", saved, conn)
            for name in saved:
                conn.execute(f'DROP INDEX IF EXISTS "{name}"')
            conn.execute(
                "TRUNCATE " + ", ".join(LOADED_TABLES) + " RESTART IDENTITY CASCADE"  # noqa: S608
            )
            conn.commit()

    def stage_staff(self) -> None:
        """Teams, staff and the bench user, through the application's own services."""
        from django.contrib.auth.models import Group
        from django.db import transaction

        from centric.core.models import VisibilityPolicy
        from centric.staff.models import Team, User
        from centric.staff.roles import ensure_default_roles
        from centric.staff.services.users import team_create, user_create

        ensure_default_roles()
        roles = {group.name: group for group in Group.objects.all()}
        with transaction.atomic():
            management = Team.objects.filter(name="Management").first() or team_create(
                name="Management", kind="management"
            )
            for name, kind, _share in TEAMS:
                team = Team.objects.filter(name=name).first() or team_create(
                    name=name, kind=kind, parent=None if name == "Management" else management
                )
                slug = kind.replace("_", "")
                for number in range(1, STAFF_PER_TEAM + 1):
                    username = f"{slug}{number}"
                    if User.objects.filter(username=username).exists():
                        continue
                    role = "Manager" if number == 1 else "Front office"
                    user = user_create(
                        username=username,
                        email=f"{username}@bench.example",
                        first_name=slug.capitalize(),
                        last_name=str(number),
                        team=team,
                        roles=[roles[role]],
                    )
                    if number == 1:
                        team.lead = user
                        team.save(update_fields=["lead"])
            if not User.objects.filter(username=BENCH_USERNAME).exists():
                user_create(
                    username=BENCH_USERNAME,
                    email="bench.front@bench.example",
                    first_name="Bench",
                    last_name="Front office",
                    team=Team.objects.get(name="Sales"),
                    roles=[roles["Front office"]],
                )
            for record_type in ("customers.person", "customers.organisation"):
                VisibilityPolicy.objects.update_or_create(
                    record_type=record_type, defaults={"level": "team"}
                )
            from centric.extras.models import Tag

            for position, name in enumerate(TAGS):
                Tag.objects.get_or_create(
                    name=name, defaults={"colour": f"#{(position * 2654435761) % 0xFFFFFF:06x}"}
                )

    # --- owners ------------------------------------------------------------------------------
    def _owners(self) -> list[tuple[int, list[int]]]:
        """[(team_id, [member ids])] weighted by each team's share, for assigning records."""
        from centric.staff.models import Team, User

        weighted = []
        for name, _kind, share in TEAMS:
            if not share:
                continue
            team = Team.objects.get(name=name)
            members = list(
                User.objects.filter(team=team).order_by("id").values_list("id", flat=True)
            )
            weighted.extend([(team.id, members)] * share)
        return weighted

    @staticmethod
    def _owner_team(rng: random.Random, weighted) -> tuple[int | None, int]:
        team_id, members = weighted[rng.randrange(len(weighted))]
        owner = None if rng.random() < 0.1 else members[rng.randrange(len(members))]
        return owner, team_id

    def _copy(
        self,
        conn: psycopg.Connection,
        table: str,
        columns: list[str],
        rows: Iterable[str],
    ) -> int:
        count = 0
        buffer: list[str] = []
        extra, suffix = missing_columns(table, columns)
        columns = [*columns, *extra]
        rows = (_with_suffix(line, suffix) for line in rows)
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with conn.cursor() as cursor, cursor.copy(sql) as copy:
            for line in rows:
                buffer.append(line)
                if len(buffer) >= CHUNK:
                    copy.write("".join(buffer))
                    count += len(buffer)
                    buffer.clear()
            if buffer:
                copy.write("".join(buffer))
                count += len(buffer)
        return count

    # --- organisations -----------------------------------------------------------------------
    def stage_organisations(self) -> None:
        from centric.core.search import search_key

        rng = random.Random(self.seed + 1)
        weighted = self._owners()
        columns = [
            "id",
            "created_at",
            "updated_at",
            "external_id",
            "source",
            "campaign",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "utm_term",
            "utm_content",
            "custom_fields",
            "search_name",
            "version",
            "name",
            "industry",
            "lifecycle_stage",
            "owner_id",
            "team_id",
        ]

        def rows():
            for index in range(self.organisations):
                last = self.names.last[rng.randrange(len(self.names.last))]
                word = rng.choice(ORG_WORDS)
                name = " ".join(p for p in (last, word, rng.choice(ORG_SUFFIXES)) if p)
                created = rng.uniform(0, SPAN_DAYS * 86400)
                owner, team = self._owner_team(rng, weighted)
                yield _line(
                    [
                        index + 1,
                        _ts(created),
                        _ts(created + rng.uniform(0, 86400 * 30)),
                        f"ORG-{index + 1:06d}" if index % 3 else None,
                        rng.choice(data.SOURCES),
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "{}",
                        search_key(name)[:400],
                        1,
                        name,
                        word.lower(),
                        rng.choice(data.STAGES),
                        owner,
                        team,
                    ]
                )

        with self.connect() as conn:
            conn.execute("TRUNCATE customers_organisation CASCADE")
            self._copy(conn, "customers_organisation", columns, rows())
            conn.execute(
                "SELECT setval(pg_get_serial_sequence('customers_organisation', 'id'), "
                "(SELECT coalesce(max(id), 0) + 1 FROM customers_organisation), false)"
            )
            conn.commit()

    # --- people and their contact points -----------------------------------------------------
    PERSON_COLUMNS = [
        "id",
        "created_at",
        "updated_at",
        "external_id",
        "source",
        "campaign",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
        "custom_fields",
        "search_name",
        "version",
        "first_name",
        "middle_name",
        "last_name",
        "date_of_birth",
        "gender",
        "preferred_language",
        "primary_email",
        "primary_phone",
        "lifecycle_stage",
        "owner_id",
        "team_id",
    ]
    CONTACT_COLUMNS = [
        "id",
        "created_at",
        "updated_at",
        "kind",
        "value",
        "value_normalized",
        "label",
        "is_primary",
        "is_verified",
        "street",
        "city",
        "state",
        "postal_code",
        "country",
        "organisation_id",
        "person_id",
    ]

    def person_rows(self, rng: random.Random, weighted, start: int, stop: int):
        """Yield (person line, [contact point lines]) for rows start..stop-1 (ids start+1…)."""
        contact_id = start * 3
        for index in range(start, stop):
            person_id = index + 1
            first, middle, last = self.names.pick(rng)
            created = rng.uniform(0, SPAN_DAYS * 86400)
            updated = created + rng.uniform(0, 86400 * 60)
            created_s, updated_s = _ts(created), _ts(updated)
            owner, team = self._owner_team(rng, weighted)
            points = []
            phone = ""
            if rng.random() < 0.93:
                phone = (
                    data.ng_phone(index) if rng.random() < 0.9 else data.foreign_phone(index, rng)
                )
                entered = data.messy_phone(phone, rng)
                kind = "whatsapp" if rng.random() < 0.15 else "phone"
                points.append((kind, entered, phone, "mobile", True))
                if rng.random() < 0.08:
                    second = data.foreign_phone(index + 7_000_000, rng)
                    points.append(("phone", data.messy_phone(second, rng), second, "work", False))
            email = ""
            if rng.random() < 0.75:
                entered, email = data.person_email(index, first, last, rng)
                points.append(("email", entered, email, "", True))
            if not points or rng.random() < 0.05:
                city = rng.choice(["Lagos", "Ikeja", "Lekki", "Abuja", "Ibadan", "Port Harcourt"])
                value = f"{rng.randint(1, 200)} Allen Avenue, {city}, NG"
                points.append(("address", value, value.lower(), "home", True))
            lines = []
            for kind, entered, normalised, label, primary in points:
                contact_id += 1
                street, town, country = "", "", ""
                if kind == "address":
                    street, town, country = entered.split(", ")[0], entered.split(", ")[1], "NG"
                lines.append(
                    _line(
                        [
                            contact_id,
                            created_s,
                            created_s,
                            kind,
                            entered,
                            normalised,
                            label,
                            primary,
                            rng.random() < 0.3,
                            street,
                            town,
                            "",
                            "",
                            country,
                            None,
                            person_id,
                        ]
                    )
                )
            birth = None
            if rng.random() < 0.4:
                birth = (dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))).isoformat()
            person = _line(
                [
                    person_id,
                    created_s,
                    updated_s,
                    f"CUST-{person_id:07d}" if rng.random() < 0.4 else None,
                    rng.choice(data.SOURCES),
                    rng.choice(data.CAMPAIGNS),
                    "",
                    "",
                    "",
                    "",
                    "",
                    f'{{"loyalty_points": {rng.randrange(5000)}}}' if rng.random() < 0.2 else "{}",
                    data.person_search_name(first, middle, last),
                    1,
                    first,
                    middle,
                    last,
                    birth,
                    rng.choice(data.GENDERS),
                    rng.choice(data.LANGUAGES),
                    email,
                    phone,
                    rng.choice(data.STAGES),
                    owner,
                    team,
                ]
            )
            yield person, lines

    def stage_people(self) -> None:
        rng = random.Random(self.seed + 2)
        weighted = self._owners()
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            conn.execute("TRUNCATE customers_person CASCADE")
        with self.connect() as people_conn, self.connect() as points_conn:
            people_cur = people_conn.cursor()
            points_cur = points_conn.cursor()
            people_extra, people_suffix = missing_columns("customers_person", self.PERSON_COLUMNS)
            points_extra, points_suffix = missing_columns(
                "customers_contactpoint", self.CONTACT_COLUMNS
            )
            people_sql = (
                f"COPY customers_person ({', '.join([*self.PERSON_COLUMNS, *people_extra])}) "
                "FROM STDIN"
            )
            points_sql = (
                "COPY customers_contactpoint "
                f"({', '.join([*self.CONTACT_COLUMNS, *points_extra])}) FROM STDIN"
            )
            with people_cur.copy(people_sql) as people_copy, points_cur.copy(points_sql) as pts:
                people_buf: list[str] = []
                points_buf: list[str] = []
                for done, (person, points) in enumerate(
                    self.person_rows(rng, weighted, 0, self.people), start=1
                ):
                    people_buf.append(_with_suffix(person, people_suffix))
                    points_buf.extend(_with_suffix(point, points_suffix) for point in points)
                    if len(people_buf) >= CHUNK:
                        people_copy.write("".join(people_buf))
                        pts.write("".join(points_buf))
                        people_buf.clear()
                        points_buf.clear()
                        if done % 200_000 == 0:
                            self.log(f"    {done:,} people")
                people_copy.write("".join(people_buf))
                pts.write("".join(points_buf))
            for conn, table in (
                (people_conn, "customers_person"),
                (points_conn, "customers_contactpoint"),
            ):
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
            points_conn.commit()
            people_conn.commit()

    # --- memberships, tags, consents ---------------------------------------------------------
    def stage_links(self) -> None:
        from centric.extras.models import Tag
        from centric.staff.models import User

        rng = random.Random(self.seed + 3)
        tag_ids = list(Tag.objects.order_by("id").values_list("id", flat=True))
        staff = list(User.objects.order_by("id").values_list("id", flat=True))

        def memberships():
            for number, person_id in enumerate(
                sorted(rng.sample(range(1, self.people + 1), self.people // 8)), start=1
            ):
                yield _line(
                    [
                        number,
                        rng.choice(ROLES),
                        True,
                        _ts(rng.uniform(0, SPAN_DAYS * 86400)),
                        rng.randrange(1, self.organisations + 1),
                        person_id,
                    ]
                )

        def person_tags():
            number = 0
            for person_id in range(1, self.people + 1):
                if rng.random() < 0.25:
                    for tag_id in sorted(rng.sample(tag_ids, rng.randint(1, 2))):
                        number += 1
                        yield _line([number, person_id, tag_id])

        def consents():
            number = 0
            for person_id in range(1, self.people + 1):
                if rng.random() < 0.3:
                    for purpose in rng.sample(
                        ["marketing_email", "marketing_sms", "marketing_whatsapp"],
                        rng.randint(1, 2),
                    ):
                        number += 1
                        yield _line(
                            [
                                number,
                                purpose,
                                rng.choice(["granted", "granted", "denied", "withdrawn"]),
                                _ts(rng.uniform(0, SPAN_DAYS * 86400)),
                                rng.choice(["form", "import", "staff", "in_person"]),
                                None,
                                "Yes, send me offers and news.",
                                rng.choice(staff),
                                person_id,
                            ]
                        )

        with self.connect() as conn:
            conn.execute("TRUNCATE customers_membership, customers_person_tags, customers_consent")
            self._copy(
                conn,
                "customers_membership",
                ["id", "role", "is_primary", "created_at", "organisation_id", "person_id"],
                memberships(),
            )
            self._copy(conn, "customers_person_tags", ["id", "person_id", "tag_id"], person_tags())
            self._copy(
                conn,
                "customers_consent",
                [
                    "id",
                    "purpose",
                    "status",
                    "recorded_at",
                    "method",
                    "ip_address",
                    "text_shown",
                    "recorded_by_id",
                    "person_id",
                ],
                consents(),
            )
            for table in ("customers_membership", "customers_person_tags", "customers_consent"):
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
            conn.commit()

    # --- the timeline ------------------------------------------------------------------------
    INTERACTION_COLUMNS = [
        "id",
        "channel",
        "direction",
        "kind",
        "occurred_at",
        "actor_is_customer",
        "subject",
        "summary",
        "body",
        "duration_seconds",
        "external_id",
        "metadata",
        "created_at",
        "actor_user_id",
        "organisation_id",
        "person_id",
    ]

    def interaction_lines(self, rng: random.Random, staff: list[int]):
        """5M touchpoints: most people have a few, a busy tenth of a percent have hundreds."""
        busy = rng.sample(range(1, self.people + 1), max(1, self.people // 1000))
        people, organisations = self.people, self.organisations
        day_seconds = [
            (START + dt.timedelta(days=d)).strftime("%Y-%m-%d") for d in range(SPAN_DAYS)
        ]
        batch = 10_000
        row = 0
        while row < self.interactions:
            count = min(batch, self.interactions - row)
            kinds = data.interaction_kinds(rng, count)
            out = []
            for channel, kind, direction, _weight in kinds:
                row += 1
                roll = rng.random()
                organisation_id = None
                if roll < 0.3:
                    person_id = busy[rng.randrange(len(busy))]
                elif roll < 0.98:
                    person_id = rng.randrange(1, people + 1)
                else:
                    person_id = None
                    organisation_id = rng.randrange(1, organisations + 1)
                inbound = direction == "inbound"
                when = (
                    f"{day_seconds[rng.randrange(SPAN_DAYS)]} "
                    f"{rng.randrange(7, 21):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}+00"
                )
                subject = rng.choice(data.SUBJECTS[kind])
                body = ""
                if kind in ("email", "note"):
                    body = f"<p>{subject}. Thank you for shopping with us.</p>"
                external = None
                if channel in ("email", "whatsapp", "sms"):
                    external = f"{channel[:2]}-{row}"
                out.append(
                    f"{row}\t{channel}\t{direction}\t{kind}\t{when}\t{'t' if inbound else 'f'}\t"
                    f"{subject}\t{subject}\t{body}\t"
                    f"{rng.randrange(20, 900) if kind == 'call' else chr(92) + 'N'}\t"
                    f"{external if external else chr(92) + 'N'}\t{{}}\t{when}\t"
                    f"{chr(92) + 'N' if inbound else staff[rng.randrange(len(staff))]}\t"
                    f"{organisation_id if organisation_id else chr(92) + 'N'}\t"
                    f"{person_id if person_id else chr(92) + 'N'}\n"
                )
            yield "".join(out)

    def stage_interactions(self) -> None:
        from centric.staff.models import User

        rng = random.Random(self.seed + 4)
        staff = list(User.objects.order_by("id").values_list("id", flat=True))
        with self.connect() as conn:
            conn.execute("TRUNCATE interactions_interaction CASCADE")
            with conn.cursor() as cursor:
                extra, suffix = missing_columns(
                    "interactions_interaction", self.INTERACTION_COLUMNS
                )
                columns = ", ".join([*self.INTERACTION_COLUMNS, *extra])
                sql = f"COPY interactions_interaction ({columns}) FROM STDIN"
                with cursor.copy(sql) as copy:
                    written = 0
                    for block in self.interaction_lines(rng, staff):
                        copy.write(_with_suffix(block, suffix))
                        written += 10_000
                        if written % 1_000_000 == 0:
                            self.log(f"    {written:,} interactions")
            conn.execute(
                "SELECT setval(pg_get_serial_sequence('interactions_interaction', 'id'), "
                "(SELECT coalesce(max(id), 0) + 1 FROM interactions_interaction), false)"
            )
            conn.commit()

    # --- indexes and statistics --------------------------------------------------------------
    def stage_indexes(self) -> None:
        saved = self.meta().get("indexes") or {}
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '1GB'")
            conn.execute("SET max_parallel_maintenance_workers = 2")
            for name, definition in saved.items():
                exists = conn.execute(
                    "SELECT 1 FROM pg_class WHERE relname = %s AND relkind = 'i'", [name]
                ).fetchone()
                if not exists:
                    started = time.perf_counter()
                    conn.execute(definition)
                    self.log(f"    index {name}: {time.perf_counter() - started:.1f} s")
            # The load skipped the triggers that keep the words of names for the typo search.
            from centric.core.search import typo_words_fill_sql

            started = time.perf_counter()
            conn.execute(typo_words_fill_sql("customers_person"))
            self.log(f"    words of names: {time.perf_counter() - started:.1f} s")

    def stage_analyze(self) -> None:
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
