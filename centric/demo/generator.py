"""Generate the demo business: a Lagos retailer with staff, ~2,000 customers and two years of history.

Deterministic: one seeded random generator decides every name, number and message, so two runs
produce the same customers (dates are laid out backwards from the day of the run). People and
their contact points go through the customers' bulk path (`people_bulk_create`), which derives
the search name, normalised values and primary email/phone with the functions `person_create`
uses; staff, teams, roles, custom fields and organisations go through the services.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from centric.core.html import sanitise_html
from centric.core.models import VisibilityPolicy
from centric.core.normalise import normalise_phone
from centric.core.visibility import VisibilityLevel
from centric.demo import data
from centric.demo.activities import build_activities
from centric.demo.leads import build_leads
from centric.demo.quotes import build_quotes
from centric.demo.sales import build_sales
from centric.demo.tickets import build_tickets

if TYPE_CHECKING:
    from centric.customers.models import Person
    from centric.interactions.models import Interaction

_T = TypeVar("_T")

SEED = 20261123
DEMO_PASSWORD = "centric-demo"
PERSON_PREFIX = "demo-p-"
ORGANISATION_PREFIX = "demo-o-"
BATCH = 1000


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    role: str
    team: str
    lead: bool = False
    superuser: bool = False


DEMO_STAFF = [
    StaffSpec(
        "admin", "Adaeze", "Okafor", "Administrator", "Management", lead=True, superuser=True
    ),
    StaffSpec("manager", "Tunde", "Bakare", "Manager", "Sales", lead=True),
    StaffSpec("sales", "Chiamaka", "Eze", "Front office", "Sales"),
    StaffSpec("sales2", "Musa", "Abdullahi", "Front office", "Sales"),
    StaffSpec("service", "Ngozi", "Obi", "Service desk", "Service", lead=True),
    StaffSpec("service2", "Preye", "Alagoa", "Service desk", "Service"),
    StaffSpec("marketing", "Efe", "Johnson", "Front office", "Marketing", lead=True),
    StaffSpec("backoffice", "Ibrahim", "Danjuma", "Read only", "Back office", lead=True),
]
TEAMS = [
    ("Management", "management"),
    ("Sales", "sales"),
    ("Service", "service"),
    ("Marketing", "marketing"),
    ("Back office", "back_office"),
]
CUSTOM_FIELDS = [
    {
        "record_type": "person",
        "key": "preferred_branch",
        "label": "Preferred branch",
        "field_type": "choice",
        "choices": data.BRANCHES,
        "position": 1,
    },
    {
        "record_type": "person",
        "key": "loyalty_number",
        "label": "Loyalty number",
        "field_type": "text",
        "max_length": 20,
        "position": 2,
    },
]


def demo_is_loaded() -> bool:
    from centric.customers.models import Person

    return Person.objects.filter(external_id__startswith=PERSON_PREFIX).exists()


@transaction.atomic
def remove_demo() -> None:
    """Delete what `load_demo` created (demo customers, their history, staff, teams, fields)."""
    from django.apps import apps

    from centric.customers.models import Organisation, Person
    from centric.extras.models import CustomFieldDefinition, Tag
    from centric.staff.models import Team, User

    if apps.is_installed("centric.tickets"):
        from centric.demo.tickets import remove_tickets

        remove_tickets()
    if apps.is_installed("centric.quotes"):
        from centric.demo.quotes import remove_quotes

        remove_quotes()
    if apps.is_installed("centric.leads"):
        from centric.demo.leads import remove_leads

        remove_leads()
    if apps.is_installed("centric.activities"):
        from centric.demo.activities import remove_activities

        remove_activities()
    if apps.is_installed("centric.sales"):
        from centric.demo.sales import remove_sales

        remove_sales()
    people = Person.objects.filter(external_id__startswith=PERSON_PREFIX)
    # Records merged while exploring the demo point at each other (PROTECT): undo that first.
    if apps.is_installed("centric.identity"):
        apps.get_model("identity", "Merge").objects.filter(survivor__in=people).delete()
    Person.objects.filter(merged_into__in=people).update(merged_into=None)
    people.delete()
    Organisation.objects.filter(external_id__startswith=ORGANISATION_PREFIX).delete()
    Person.history.filter(external_id__startswith=PERSON_PREFIX).delete()
    Organisation.history.filter(external_id__startswith=ORGANISATION_PREFIX).delete()
    for spec in CUSTOM_FIELDS:
        CustomFieldDefinition.objects.filter(
            record_type=spec["record_type"], key=spec["key"]
        ).delete()
    Tag.objects.filter(name__in=data.TAGS).delete()
    User.objects.filter(username__in=[s.username for s in DEMO_STAFF]).delete()
    names = [name for name, _kind in TEAMS]
    Team.objects.filter(name__in=names).exclude(name="Management").update(parent=None)
    Team.objects.filter(name__in=names).delete()


class DemoBuilder:
    """Builds the demo business in one transaction; `counts` says what it made."""

    def __init__(self, *, people: int = 2000, seed: int = SEED, log: Callable[[str], None]):
        self.rng = random.Random(seed)
        self.people_count = people
        self.log = log
        self.now = timezone.now().replace(microsecond=0)
        self.start = self.now - dt.timedelta(days=730)
        self.counts: dict[str, int] = {}
        self._used_phones: set[str] = set()

    # --- small helpers -------------------------------------------------------------------------

    def pick_weighted(self, pairs: Sequence[tuple[_T, float]]) -> _T:
        values, weights = zip(*pairs, strict=True)
        picked: _T = self.rng.choices(values, weights=weights, k=1)[0]
        return picked

    def moment_between(self, start: dt.datetime, end: dt.datetime) -> dt.datetime:
        seconds = max(int((end - start).total_seconds()), 60)
        moment = start + dt.timedelta(seconds=self.rng.randrange(seconds))
        # Shops are open 8am to 8pm (Lagos is UTC+1).
        return moment.replace(hour=self.rng.randrange(7, 19), minute=self.rng.randrange(60))

    def ng_phone(self) -> tuple[str, str]:
        """A Nigerian mobile number written as people write it, and its E.164 form."""
        while True:
            prefix = self.rng.choice(data.NG_PREFIXES)
            rest = f"{self.rng.randrange(10_000_000):07d}"
            national = prefix + rest
            e164 = "+234" + national[1:]
            if e164 not in self._used_phones:
                break
        self._used_phones.add(e164)
        a, b, c = national[:4], national[4:7], national[7:]
        written = self.rng.choice(
            [
                f"{a} {b} {c}",
                f"{a} {b} {c}",
                national,
                f"+234 {a[1:]} {b} {c}",
                f"+234-{a[1:]}-{b}-{c}",
                f"234{national[1:]}",
                f"({a}) {b} {c}",
                f"{a}-{b}-{c}",
                f"+234 (0) {a[1:]} {b} {c}",
                f"+234{national[1:]}",
                f" {a}  {b}{c} ",
            ]
        )
        return written, e164

    def foreign_phone(self) -> tuple[str, str, str]:
        while True:
            code, area, length, country = self.rng.choice(data.FOREIGN_PHONES)
            digits = f"{self.rng.randrange(10**length):0{length}d}"
            try:
                e164 = normalise_phone(f"+{code}{area}{digits}")
            except Exception:  # noqa: BLE001, S112 - try another random number
                continue
            if e164 in self._used_phones:
                continue
            self._used_phones.add(e164)
            written = self.rng.choice(
                [f"+{code} {area} {digits}", f"00{code}{area}{digits}", f"+{code}-{area}-{digits}"]
            )
            return written, e164, country

    def person_name(self) -> tuple[str, str, str]:
        peoples = [(first, last, weight) for first, last, weight in data.PEOPLES]
        choice = self.rng.choices(
            range(len(peoples) + 1),
            weights=[w for _f, _l, w in peoples] + [data.INTERNATIONAL_WEIGHT],
        )[0]
        if choice == len(peoples):
            first, last = self.rng.choice(data.INTERNATIONAL)
            return first, "", last
        first_names, last_names, _weight = peoples[choice]
        middle = self.rng.choice(data.MIDDLE_NAMES) if self.rng.random() < 0.12 else ""
        return self.rng.choice(first_names), middle, self.rng.choice(last_names)

    def email_for(self, first: str, last: str) -> str:
        from centric.core.search import search_key

        f = search_key(first).replace(" ", "") or "customer"
        last_key = search_key(last).replace(" ", "") or "lagos"
        local = self.rng.choice(
            [
                f"{f}.{last_key}",
                f"{f}{last_key}",
                f"{f}_{last_key}{self.rng.randrange(1, 99)}",
                f"{f[0]}{last_key}",
                f"{last_key}.{f}{self.rng.randrange(70, 100)}",
            ]
        )
        address = f"{local}@{self.rng.choice(data.EMAIL_DOMAINS)}"
        if self.rng.random() < 0.1:
            address = address.title()  # Chinedu.Okeke@Gmail.Com, as typed on a phone
        return address

    # --- the steps -----------------------------------------------------------------------------

    def staff(self) -> None:
        from django.contrib.auth.models import Group

        from centric.staff.models import Team
        from centric.staff.roles import ensure_default_roles
        from centric.staff.services.users import team_create, user_create

        ensure_default_roles()
        roles = {group.name: group for group in Group.objects.all()}
        teams: dict[str, Team] = {}
        for name, kind in TEAMS:
            teams[name] = Team.objects.filter(name=name).first() or team_create(
                name=name, kind=kind, parent=teams.get("Management")
            )
        self.users = {}
        for spec in DEMO_STAFF:
            user = user_create(
                username=spec.username,
                password=DEMO_PASSWORD,
                email=f"{spec.username}@demo.centric.local",
                first_name=spec.first_name,
                last_name=spec.last_name,
                team=teams[spec.team],
                roles=[roles[spec.role]],
                is_superuser=spec.superuser,
            )
            self.users[spec.username] = user
            if spec.lead:
                Team.objects.filter(pk=teams[spec.team].pk).update(lead=user)
        self.teams = teams
        # Customers are owned by the people who talk to them.
        self.owners = [
            self.users[name]
            for name in ("sales", "sales2", "manager", "service", "service2", "marketing")
        ]
        for record_type, level in (
            ("customers.person", VisibilityLevel.TEAM),
            ("customers.organisation", VisibilityLevel.PUBLIC_READ),
        ):
            VisibilityPolicy.objects.update_or_create(
                record_type=record_type, defaults={"level": level}
            )
        self.counts["staff"] = len(self.users)

    def extras(self) -> None:
        from centric.extras.models import CustomFieldDefinition
        from centric.extras.services import custom_field_create, tag_get_or_create

        for spec in CUSTOM_FIELDS:
            if not CustomFieldDefinition.objects.filter(
                record_type=spec["record_type"], key=spec["key"]
            ).exists():
                custom_field_create(**spec)
        self.tags = [tag_get_or_create(name=name) for name in data.TAGS]

    def organisations(self) -> None:
        from centric.customers.services import organisation_create

        self.orgs = []
        # 40 organisations for 2,000 customers; fewer for a small demo (tests).
        count = max(6, min(len(data.ORGANISATIONS), self.people_count // 50))
        for index, (name, industry) in enumerate(data.ORGANISATIONS[:count], start=1):
            owner = self.rng.choice(self.owners)
            area = self.rng.choice(list(data.LAGOS_AREAS))
            phone, _e164 = self.ng_phone()
            slug = "".join(ch for ch in name.lower() if ch.isalnum())[:20]
            points = [
                {"kind": "phone", "value": phone, "label": "office"},
                {
                    "kind": "address",
                    "value": "",
                    "street": f"{self.rng.randrange(1, 120)} {self.rng.choice(data.LAGOS_AREAS[area])}",
                    "city": area,
                    "state": "Lagos",
                    "country": "NG",
                },
            ]
            if self.rng.random() < 0.6:
                points.append({"kind": "email", "value": f"info@{slug}.com.ng"})
            if self.rng.random() < 0.4:
                points.append({"kind": "website", "value": f"www.{slug}.com.ng"})
            source, utm_source, utm_medium, utm_campaign = self.rng.choice(data.SOURCES)
            organisation = organisation_create(
                actor=owner,
                name=name,
                industry=industry,
                external_id=f"{ORGANISATION_PREFIX}{index:03d}",
                owner=owner,
                team=owner.team,
                lifecycle_stage=self.pick_weighted(data.LIFECYCLE_WEIGHTS),
                source=source,
                utm_source=utm_source,
                utm_medium=utm_medium,
                utm_campaign=utm_campaign,
                tags=["Wholesale"] if self.rng.random() < 0.5 else [],
                contact_points=points,
            )
            self.orgs.append(organisation)
        self.counts["organisations"] = len(self.orgs)

    def people(self) -> None:
        from centric.customers.models import Person
        from centric.customers.services.bulk import people_bulk_create

        people: list[Person] = []
        contacts: list[list[dict[str, Any]]] = []
        for index in range(1, self.people_count + 1):
            first, middle, last = self.person_name()
            owner = self.rng.choice(self.owners)
            created = self.moment_between(self.start, self.now - dt.timedelta(days=3))
            source, utm_source, utm_medium, utm_campaign = self.rng.choice(data.SOURCES)
            custom: dict[str, str] = {}
            if self.rng.random() < 0.7:
                custom["preferred_branch"] = self.rng.choice(data.BRANCHES)
            if self.rng.random() < 0.4:
                custom["loyalty_number"] = f"LYL-{self.rng.randrange(100000, 999999)}"
            person = Person(
                first_name=first,
                middle_name=middle,
                last_name=last,
                gender=self.rng.choice(["female", "male", "female", "male", "", "undisclosed"]),
                preferred_language=self.rng.choice(["en", "en", "en", "yo", "ig", "ha", "pcm"]),
                date_of_birth=dt.date(1950, 1, 1) + dt.timedelta(days=self.rng.randrange(365 * 55))
                if self.rng.random() < 0.5
                else None,
                external_id=f"{PERSON_PREFIX}{index:05d}",
                owner=owner,
                team_id=owner.team_id,
                lifecycle_stage_id=self.pick_weighted(data.LIFECYCLE_WEIGHTS),
                source=source,
                utm_source=utm_source,
                utm_medium=utm_medium,
                utm_campaign=utm_campaign,
                campaign=utm_campaign,
                custom_fields=custom,
                created_at=created,
            )
            people.append(person)
            contacts.append(self.contact_points_for(first, last))
        people.extend(self.near_duplicates(people, contacts))

        # The generator keeps each point's expected normalised value for its own use (the
        # near-duplicates); the service derives what is stored, as for any other person.
        points = [[{k: v for k, v in p.items() if k != "normalized"} for p in c] for c in contacts]
        self.people_rows = people_bulk_create(
            people=people, contact_points=points, actor=self.users["admin"], batch_size=BATCH
        )
        self.counts["people"] = len(self.people_rows)
        self.counts["contact points"] = sum(len(c) for c in points)

    def contact_points_for(self, first: str, last: str) -> list[dict[str, Any]]:
        from centric.core.normalise import normalise_email

        points: list[dict[str, Any]] = []
        if self.rng.random() < 0.9:
            written, e164 = self.ng_phone()
            kind = "whatsapp" if self.rng.random() < 0.35 else "phone"
            points.append(
                {
                    "kind": kind,
                    "value": written,
                    "normalized": e164,
                    "label": "mobile",
                    "is_primary": True,
                }
            )
            if self.rng.random() < 0.2:
                written2, e1642 = self.ng_phone()
                points.append(
                    {
                        "kind": "phone",
                        "value": written2,
                        "normalized": e1642,
                        "label": "work",
                        "is_primary": kind == "whatsapp",
                    }
                )
        if not points or self.rng.random() < 0.08:
            written, e164, country = self.foreign_phone()
            points.append(
                {
                    "kind": "phone",
                    "value": written,
                    "normalized": e164,
                    "label": "abroad",
                    "is_primary": not points,
                    "country": country,
                }
            )
        if self.rng.random() < 0.65:
            address = self.email_for(first, last)
            points.append(
                {
                    "kind": "email",
                    "value": address,
                    "normalized": normalise_email(address),
                    "is_primary": True,
                }
            )
        if self.rng.random() < 0.45:
            area = self.rng.choice(list(data.LAGOS_AREAS))
            street = f"{self.rng.randrange(1, 200)} {self.rng.choice(data.LAGOS_AREAS[area])}"
            value = f"{street}, {area}, Lagos, NG"
            points.append(
                {
                    "kind": "address",
                    "value": value,
                    "street": street,
                    "city": area,
                    "state": "Lagos",
                    "country": "NG",
                    "label": "home",
                    "is_primary": True,
                }
            )
        return points

    def near_duplicates(
        self, people: list[Person], contacts: list[list[dict[str, Any]]]
    ) -> list[Person]:
        """A few customers entered twice: another spelling, another phone format, another email."""
        from centric.core.search import search_key
        from centric.customers.models import Person

        copies: list[Person] = []
        candidates = [
            i
            for i, p in enumerate(people)
            if any(
                c["kind"] in ("phone", "whatsapp") and c["normalized"].startswith("+234")
                for c in contacts[i]
            )
        ]
        for number, index in enumerate(self.rng.sample(candidates, 12), start=1):
            original = people[index]
            first = original.first_name
            plain = search_key(first).title()
            if plain != first:
                first = plain  # Adébáyọ̀ typed without tone marks
            elif number % 3 == 0:
                first = first[:-1] if len(first) > 4 else first + "h"  # a typo
            copy = Person(
                first_name=first,
                last_name=original.last_name.upper() if number % 4 == 0 else original.last_name,
                external_id=f"{PERSON_PREFIX}dup{number:02d}",
                owner=self.rng.choice(self.owners),
                lifecycle_stage_id="lead",
                source="walk-in",
                custom_fields={},
                created_at=original.created_at + dt.timedelta(days=self.rng.randrange(20, 300)),
            )
            copy.team_id = copy.owner.team_id  # type: ignore[union-attr]  # the owner set above
            phone = next(c for c in contacts[index] if c["kind"] in ("phone", "whatsapp"))
            national = "0" + phone["normalized"][4:]
            reformatted = self.rng.choice(
                [
                    f"{national[:4]} {national[4:7]} {national[7:]}",
                    f"234-{national[1:4]}-{national[4:7]}-{national[7:]}",
                    f"+234{national[1:]}",
                ]
            )
            points = [
                {
                    "kind": "phone",
                    "value": reformatted,
                    "normalized": phone["normalized"],
                    "label": "mobile",
                    "is_primary": True,
                }
            ]
            email = next((c for c in contacts[index] if c["kind"] == "email"), None)
            if email is not None:
                points.append(
                    {
                        "kind": "email",
                        "value": email["value"].upper(),
                        "normalized": email["normalized"],
                        "is_primary": True,
                    }
                )
            copies.append(copy)
            contacts.append(points)
        self.counts["near-duplicates"] = len(copies)
        return copies

    def memberships_tags_consents(self) -> None:
        from centric.customers.models import Consent, Membership, Person

        memberships = []
        members = self.rng.sample(self.people_rows, len(self.people_rows) * 9 // 40)
        for position, person in enumerate(members):
            organisation = self.orgs[position % len(self.orgs)]
            roles = data.MEMBERSHIP_ROLES.get(
                organisation.industry, data.MEMBERSHIP_ROLES["default"]
            )
            memberships.append(
                Membership(
                    person_id=person.pk,
                    organisation=organisation,
                    role=self.rng.choice(roles),
                    is_primary=True,
                    created_at=person.created_at,
                )
            )
        Membership.objects.bulk_create(memberships, batch_size=BATCH)

        through = Person.tags.through
        tag_rows = []
        for person in self.people_rows:
            for tag in self.rng.sample(self.tags, self.rng.choice([0, 0, 0, 1, 1, 2])):
                tag_rows.append(through(person_id=person.pk, tag_id=tag.pk))
        through.objects.bulk_create(tag_rows, batch_size=BATCH)

        consents = []
        for person in self.people_rows:
            if self.rng.random() < 0.35:
                continue
            for purpose in self.rng.sample(
                ["marketing_sms", "marketing_whatsapp", "marketing_email", "marketing_phone"],
                self.rng.randrange(1, 4),
            ):
                status = self.pick_weighted(
                    [("granted", 70), ("denied", 15), ("withdrawn", 10), ("pending", 5)]
                )
                method = self.rng.choice(["in_person", "form", "import", "staff"])
                consents.append(
                    Consent(
                        person_id=person.pk,
                        purpose=purpose,
                        status=status,
                        method=method,
                        recorded_at=self.moment_between(person.created_at, self.now),
                        text_shown="Yes, send me offers and updates. Reply STOP to opt out."
                        if method == "form"
                        else "",
                        recorded_by=person.owner if method in ("in_person", "staff") else None,
                    )
                )
        bulk_create_with_history(
            consents, Consent, batch_size=BATCH, default_user=self.users["admin"]
        )
        self.counts["memberships"] = len(memberships)
        self.counts["tags on people"] = len(tag_rows)
        self.counts["consents"] = len(consents)

    def interactions(self) -> None:
        from centric.interactions.models import Interaction

        channels = [
            ("whatsapp", 30),
            ("sms", 10),
            ("phone", 18),
            ("email", 10),
            ("in_person", 17),
            ("visit", 4),
            ("web", 8),
            ("other", 3),
        ]
        rows = []
        for person in self.people_rows:
            count = self.rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 10, 14, 20])
            for _ in range(count):
                channel = self.pick_weighted(channels)
                rows.append(self.interaction(person, channel))
        for organisation in self.orgs:
            for _ in range(self.rng.randrange(2, 8)):
                channel = self.rng.choice(["visit", "phone", "email", "in_person"])
                row = self.interaction(None, channel)
                row.organisation = organisation
                rows.append(row)
        Interaction.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["interactions"] = len(rows)

    def interaction(self, person: Person | None, channel: str) -> Interaction:
        from centric.interactions.models import Interaction

        rng = self.rng
        context = {
            "product": rng.choice(data.PRODUCTS),
            "area": rng.choice(list(data.LAGOS_AREAS)),
            "branch": rng.choice(data.BRANCHES),
            "amount": f"{rng.randrange(3, 400) * 500:,}",
        }
        start = person.created_at if person is not None else self.start
        occurred = self.moment_between(start, self.now)
        actor = person.owner if person is not None else rng.choice(self.owners)
        subject, summary, body, duration = "", "", "", None
        direction, kind, from_customer = "outbound", "message", False
        if channel in ("whatsapp", "sms"):
            if rng.random() < 0.55:
                direction, from_customer = "inbound", True
                summary = rng.choice(data.MESSAGES_IN).format(**context)
            else:
                summary = rng.choice(data.MESSAGES_OUT).format(**context)
        elif channel == "phone":
            kind = "call"
            direction = rng.choice(["inbound", "outbound"])
            summary = rng.choice(data.CALL_SUMMARIES).format(**context)
            duration = rng.randrange(20, 900)
        elif channel == "email":
            kind = "email"
            direction = rng.choice(["inbound", "outbound", "outbound"])
            from_customer = direction == "inbound"
            subject = rng.choice(data.EMAIL_SUBJECTS).format(**context)
            body = sanitise_html(
                f"<p>{summary or subject}.</p><p>Kind regards,<br>Centric Stores</p>"
            )
        elif channel == "in_person":
            kind = rng.choice(["purchase", "purchase", "meeting"])
            direction = "inbound"
            summary = rng.choice(data.PURCHASES if kind == "purchase" else data.CALL_SUMMARIES)
            summary = summary.format(**context)
        elif channel == "visit":
            kind, direction = "visit", "outbound"
            summary = rng.choice(data.VISIT_SUMMARIES).format(**context)
        elif channel == "web":
            kind, direction, from_customer = "form", "inbound", True
            summary = rng.choice(data.WEB_FORMS).format(**context)
        else:
            kind, direction = "note", "internal"
            summary = rng.choice(data.NOTES).format(**context)
        return Interaction(
            channel=channel,
            direction=direction,
            kind=kind,
            occurred_at=occurred,
            person=person,
            actor_user=None if from_customer else actor,
            actor_is_customer=from_customer,
            subject=subject[:255],
            summary=summary[:500],
            body=body,
            duration_seconds=duration,
            created_at=occurred,
        )


def load_demo(
    *, people: int = 2000, seed: int = SEED, log: Callable[[str], None] = print
) -> dict[str, int]:
    """Create the demo business in one transaction; returns counts of what was made."""
    builder = DemoBuilder(people=people, seed=seed, log=log)
    with transaction.atomic():
        builder.staff()
        builder.extras()
        builder.organisations()
        builder.people()
        builder.memberships_tags_consents()
        builder.interactions()
        build_sales(builder)
        build_activities(builder)
        build_leads(builder)
        build_quotes(builder)
        build_tickets(builder)
    return builder.counts
