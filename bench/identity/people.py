"""Messy CRM people with a known truth: 1–5 records per real person, for the throughput bench.

Deterministic for a seed. Each record is the plain dict `people_table` reads (what
`centric.identity.services.resolution.people_records` builds from the database: phones are the
stored E.164 values, emails lower-cased) plus `identity`, the real person it belongs to.

The noise is what a Nigerian business's records really look like: nicknames and short forms
(Emeka/Chukwuemeka, Tunde/Babatunde), typos, initials, swapped first/last names, accents
dropped or kept, numbers saved without their country code or only their last digits, gmial.com,
dates of birth with day and month swapped, missing values, and values many people share (a
family's landline, a shop's number written on every walk-in's form, a common name).

The hard non-matches are generated too. Households: spouses, children (twins among them, born
the same day), adult siblings and a grandparent — different people with the family's surname
(a wife sometimes keeps her own), city and landline, sometimes a parent's mobile on a child's
record or a family email (adeyemifamily@yahoo.com). Namesakes: different people called
"Chinedu Okafor" or "Aisha Bello" in other cities, with other numbers and ages. Lagos and
Abuja landlines are written in either numbering plan (Nigeria's change of 1 January 2024:
"+234 1 285 2651" on an old record is "+234 201 285 2651" on a new one).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from centric.core.names import fold_name, name_variants

FIRST_NAMES = [
    # Yoruba
    "Adebayo", "Adébáyọ̀", "Adeola", "Abiodun", "Akinwale", "Anuoluwapo", "Ayodele", "Babajide",
    "Babatunde", "Tunde", "Bolanle", "Bola", "Damilare", "Dami", "Folake", "Funmilayo", "Funmi",
    "Kehinde", "Kẹ́hìndé", "Taiwo", "Kunle", "Oluwaseun", "Seun", "Oluwafemi", "Femi", "Temitope",
    "Tope", "Adewale", "Wale", "Abimbola", "Bimbo", "Olumide", "Mide", "Oluwatosin", "Tosin",
    "Yetunde", "Titilayo", "Gbenga", "Segun", "Sade", "Ireti", "Jumoke", "Jùmọ̀kẹ́", "Morenike",
    # Igbo
    "Chukwuemeka", "Emeka", "Chuks", "Chinedu", "Nedu", "Chinonso", "Nonso", "Chiamaka", "Amaka",
    "Chidinma", "Ngozi", "Chioma", "Chidi", "Chukwudi", "Ifeanyi", "Ikechukwu", "Ike", "Obinna",
    "Obi", "Nnamdi", "Kelechi", "Uchenna", "Uche", "Adaeze", "Adaobi", "Ebere", "Ifeoma",
    "Nkechi", "Obiageli", "Somtochukwu", "Tochukwu", "Chinwe",
    # Hausa / Fulani / northern
    "Abubakar", "Aminu", "Aisha", "Fatima", "Habiba", "Hadiza", "Ibrahim", "Musa", "Garba",
    "Danjuma", "Zainab", "Halima", "Usman", "Yusuf", "Sani", "Maryam", "Bashir", "Hauwa",
    "Aliyu", "Salisu",
    # South-south and middle belt
    "Efosa", "Ejiro", "Ene", "Efe", "Tari", "Osas", "Ovie", "Ebiere", "Ekaette", "Idara",
    "Nsikak", "Ime", "Ofonime", "Terhemba", "Doosuur",
    # International
    "William", "Bill", "Elizabeth", "Liz", "Robert", "Bob", "Margaret", "Maggie", "James",
    "John", "Mary", "Michael", "Mike", "David", "Sarah", "Daniel", "Grace", "Joseph", "Joy",
    "Peter", "Samuel", "Sam", "Blessing", "Precious", "Victoria", "Gift", "Emmanuel", "Favour",
    "Chiara", "José", "François", "Zoë", "Søren", "Mohammed", "Priya", "Wei", "Kwame", "Ama",
]  # fmt: skip

LAST_NAMES = [
    "Okafor", "Okonkwo", "Adeyemi", "Adebayo", "Bello", "Eze", "Ogunleye", "Ibrahim", "Okoro",
    "Balogun", "Nwosu", "Danjuma", "Etim", "Ajayi", "Abubakar", "Mohammed", "Usman", "Yusuf",
    "Olawale", "Oyelaran", "Ogunbanjo", "Adekunle", "Adeleke", "Okeke", "Nwachukwu", "Obi",
    "Uzor", "Chukwu", "Onyekachi", "Igwe", "Ekwueme", "Ezeani", "Akinola", "Akande", "Fashola",
    "Oyebanji", "Olatunji", "Salami", "Lawal", "Suleiman", "Garba", "Aliyu", "Sani", "Bassey",
    "Effiong", "Edet", "Udoh", "Akpan", "Ekpo", "Ighalo", "Omoruyi", "Osagie", "Iyamu", "Tiamiyu",
    "Oyedepo", "Ọláyíwọlá", "Adéwálé", "Òkè", "Smith", "Jones", "Williams", "Brown", "Taylor",
    "Müller", "Dubois", "García", "Mensah", "Boateng", "Kamau", "Otieno", "Nkosi", "Patel",
    "Chen", "O'Brien", "Van der Berg",
]  # fmt: skip

# Nickname families for the noise (the matcher's own editable list knows these).
NICKNAMES = [
    ("Chukwuemeka", "Emeka", "Chuks"),
    ("Babatunde", "Tunde"),
    ("Bolanle", "Bola"),
    ("Oluwaseun", "Seun"),
    ("Oluwafemi", "Femi"),
    ("Temitope", "Tope"),
    ("Adewale", "Wale"),
    ("Abimbola", "Bimbo"),
    ("Olumide", "Mide"),
    ("Oluwatosin", "Tosin"),
    ("Chinedu", "Nedu"),
    ("Chinonso", "Nonso"),
    ("Chiamaka", "Amaka"),
    ("Ikechukwu", "Ike"),
    ("Obinna", "Obi"),
    ("Funmilayo", "Funmi"),
    ("Damilare", "Dami"),
    ("Uchenna", "Uche"),
    ("William", "Bill"),
    ("Elizabeth", "Liz"),
    ("Robert", "Bob"),
    ("Margaret", "Maggie"),
    ("Michael", "Mike"),
    ("Samuel", "Sam"),
]
NICKNAME_OF = {name: family for family in NICKNAMES for name in family}

CITIES = [
    ("Lagos", 30), ("Ikeja", 8), ("Lekki", 6), ("Abuja", 12), ("Port Harcourt", 7), ("Ibadan", 6),
    ("Kano", 6), ("Enugu", 4), ("Benin City", 4), ("Kaduna", 3), ("Onitsha", 3), ("Aba", 2),
    ("Owerri", 2), ("Jos", 2), ("Abeokuta", 2), ("Uyo", 2), ("Warri", 2), ("Calabar", 1),
    ("Ilorin", 1), ("London", 1), ("Accra", 1), ("Houston", 1), ("Dubai", 1), ("Nairobi", 1),
]  # fmt: skip
CITY_NAMES = [c for c, _ in CITIES]
CITY_WEIGHTS = [w for _, w in CITIES]

DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "mail.ng"]
DOMAIN_WEIGHTS = [50, 25, 8, 8, 4, 5]
DOMAIN_TYPOS = {
    "gmail.com": ["gmial.com", "gmail.con", "gmai.com", "gmail.co", "gnail.com"],
    "yahoo.com": ["yahooo.com", "yaho.com", "yahoo.con", "yhoo.com"],
    "outlook.com": ["outlok.com", "outlook.co"],
    "hotmail.com": ["hotmial.com", "hotmail.co", "hotmal.com"],
    "icloud.com": ["iclod.com", "icloud.co"],
    "mail.ng": ["mail.nig", "mial.ng"],
}

ORGANISATION_WORDS = [
    "Balogun", "Eko", "Zenith", "Sunrise", "Royal", "Divine", "Grace", "Unity", "Crown", "Delta",
    "Savannah", "Niger", "Benue", "Lekki", "Prime", "Golden", "Heritage", "Kano", "Pinnacle",
]  # fmt: skip
ORGANISATION_KINDS = ["Traders", "Ventures", "Foods", "Motors", "Pharmacy", "Logistics", "Textiles"]
ORGANISATION_SUFFIXES = ["Ltd", "Limited", "Nig. Ltd", "Plc", "Enterprises", ""]

NG_MOBILE_PREFIXES = ["703", "706", "803", "806", "810", "813", "814", "816", "903", "906",
                      "705", "805", "807", "811", "815", "905", "802", "808", "812", "701",
                      "708", "902", "907", "901", "809", "817", "818", "909", "908"]  # fmt: skip
FOREIGN = [("+44", "7400", 6), ("+1", "713555", 4), ("+233", "24", 7), ("+254", "71", 7),
           ("+971", "50", 7), ("+49", "151", 8)]  # fmt: skip

RECORDS_PER_IDENTITY = [1, 2, 3, 4, 5]
RECORDS_WEIGHTS = [45, 25, 15, 10, 5]  # mean 2.05 records per real person

# Full names many different Nigerians share: a CRM holds several people under each.
COMMON_FULL_NAMES = [
    ("Chinedu", "Okafor"), ("Aisha", "Bello"), ("Ibrahim", "Musa"), ("Ngozi", "Eze"),
    ("Emeka", "Okafor"), ("Fatima", "Mohammed"), ("Abubakar", "Sani"), ("Oluwaseun", "Adeyemi"),
    ("Blessing", "Okoro"), ("Musa", "Ibrahim"), ("Chioma", "Nwosu"), ("Yusuf", "Abubakar"),
    ("Adebayo", "Ogunleye"), ("Grace", "Etim"), ("Samuel", "Adeleke"), ("Zainab", "Usman"),
]  # fmt: skip
NAMESAKE_SHARE = 0.02  # of real people: given one of the common full names above
HOUSEHOLD_SHARE = 0.1  # of real people: the first member of a household of 2-6
# Landline area codes in the old plan and how often: Lagos 1, Abuja 9, Ibadan 2.
LANDLINE_AREAS = ["1", "1", "1", "1", "9", "2"]
OLD_PLAN_SHARE = 0.4  # of records carrying a landline: written in the superseded plan
FAMILY_EMAIL_SHARE = 0.15  # of households
TWIN_NAMES = ("Taiwo", "Kehinde")

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _weighted_names(names: list[str], rng: random.Random) -> list[float]:
    """A skewed popularity: a few very common names, a long tail of rare ones."""
    return [1.0 / (rank + 1) ** 0.8 for rank in range(len(names))] if names else []


class PeopleGenerator:
    def __init__(self, seed: int = 20261123) -> None:
        self.seed = seed
        rng = random.Random(seed)
        self.first_names = FIRST_NAMES[:]
        rng.shuffle(self.first_names)
        # Common surnames, then a long tail of rarer made-up ones so that most surnames are rare.
        syllables = ["a", "ba", "de", "di", "du", "e", "fa", "gbe", "ka", "ko", "la", "lu", "ma",
                     "mi", "na", "ne", "nwa", "o", "olu", "ra", "se", "shi", "ta", "tu", "wa",
                     "ye", "yi", "zu", "chi", "eke", "nna", "ogu", "ade", "ayo", "obi", "eze"]  # fmt: skip
        tail = set()
        while len(tail) < 40_000:
            tail.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))).capitalize())
        self.common_last = LAST_NAMES[:]
        rng.shuffle(self.common_last)
        self.rare_last = sorted(tail)
        self.first_weights = _weighted_names(self.first_names, rng)
        self.common_weights = _weighted_names(self.common_last, rng)
        # Shops whose number is written on many walk-in customers' forms.
        self.used_phones: set[str] = set()
        self.shop_lines = [self._landline(rng) for _ in range(40)]
        self.used_emails: set[str] = set()

    # --- a real person ---------------------------------------------------------------------
    def _mobile(self, rng: random.Random) -> str:
        while True:
            if rng.random() < 0.9:
                number = f"+234{rng.choice(NG_MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"
            else:
                code, head, width = rng.choice(FOREIGN)
                number = f"{code}{head}{rng.randrange(10**width):0{width}d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def _email(self, first: str, last: str, rng: random.Random) -> str:
        f, l = _slug(first) or "x", _slug(last) or "x"  # noqa: E741
        pattern = rng.random()
        if pattern < 0.3:
            local = f"{f}.{l}"
        elif pattern < 0.55:
            local = f"{f}{l}{rng.randrange(100)}"
        elif pattern < 0.75:
            local = f"{f[0]}{l}{rng.randrange(1000)}"
        elif pattern < 0.9:
            local = f"{l}.{f}{rng.randrange(60, 100)}"
        else:
            local = f"{f}_{rng.randrange(10000)}"
        domain = rng.choices(DOMAINS, DOMAIN_WEIGHTS)[0]
        email = f"{local}@{domain}"
        while email in self.used_emails:
            email = f"{local}{rng.randrange(10000)}@{domain}"
        self.used_emails.add(email)
        return email

    def _landline(self, rng: random.Random) -> str:
        """A landline in the current plan: +234 20 + the old area code + seven digits."""
        while True:
            area = rng.choice(LANDLINE_AREAS)
            number = f"+23420{area}{rng.randint(2, 9)}{rng.randrange(10**6):06d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def _family_email(self, last: str, rng: random.Random) -> str:
        slug = _slug(last) or "home"
        local = rng.choice([f"{slug}family", f"the{slug}s", f"{slug}.home", f"{slug}household"])
        domain = rng.choices(DOMAINS, DOMAIN_WEIGHTS)[0]
        email = f"{local}@{domain}"
        while email in self.used_emails:
            email = f"{local}{rng.randrange(100)}@{domain}"
        self.used_emails.add(email)
        return email

    def _person(
        self,
        identity: int,
        rng: random.Random,
        *,
        first: str | None = None,
        last: str | None = None,
        year: int | None = None,
        dob: tuple[int, int, int] | None = None,
        city: str | None = None,
        shared_phones: tuple[str, ...] = (),
        family_email: str = "",
    ) -> dict:
        """A real person. A household passes what its members share: surname, city, the family's
        landline or a parent's mobile, a family email (kept in the person's records sometimes)."""
        first = first or rng.choices(self.first_names, self.first_weights)[0]
        if last is None:
            if rng.random() < 0.55:
                last = rng.choices(self.common_last, self.common_weights)[0]
            else:
                last = rng.choice(self.rare_last)
        if dob is None and rng.random() < 0.7:
            year = year if year is not None else rng.randint(1945, 2006)
            dob = (year, rng.randint(1, 12), rng.randint(1, 28))
        phones = [self._mobile(rng)] if rng.random() < 0.93 else []
        if rng.random() < 0.1:
            phones.append(self._mobile(rng))
        phones.extend(shared_phones)
        if not shared_phones and rng.random() < 0.06:
            phones.append(self._landline(rng))
        if rng.random() < 0.02:  # a walk-in customer whose form carries the shop's number
            phones.append(rng.choice(self.shop_lines))
        email = self._email(first, last, rng) if rng.random() < 0.7 else ""
        city = city or rng.choices(CITY_NAMES, CITY_WEIGHTS)[0]
        organisation = ""
        if rng.random() < 0.25:
            organisation = (
                f"{rng.choice(ORGANISATION_WORDS)} {rng.choice(ORGANISATION_KINDS)} "
                f"{rng.choice(ORGANISATION_SUFFIXES)}"
            ).strip()
        return {
            "identity": identity,
            "first": first,
            "last": last,
            "dob": dob,
            "phones": phones,
            "email": email,
            "family_email": family_email,
            "city": city,
            "organisation": organisation,
            "household": 0,
        }

    def _household(self, identity: int, rng: random.Random) -> list[dict]:
        """2-6 different people living together: a head, often a spouse, children (sometimes
        twins, born the same day), an adult sibling, a grandparent. Their first names are
        different names, never nicknames of one another."""
        last = (
            rng.choices(self.common_last, self.common_weights)[0]
            if rng.random() < 0.55
            else rng.choice(self.rare_last)
        )
        city = rng.choices(CITY_NAMES, CITY_WEIGHTS)[0]
        landline = self._landline(rng) if rng.random() < 0.7 else ""
        family_email = self._family_email(last, rng) if rng.random() < FAMILY_EMAIL_SHARE else ""
        head_year = rng.randint(1950, 1990)
        taken: set[str] = set()

        def first_name() -> str:
            while True:
                name = rng.choices(self.first_names, self.first_weights)[0]
                family = {fold_name(name), *name_variants(name)}
                if not family & taken:
                    taken.update(family)
                    return name

        def member(relation_year: int, **extra) -> dict:
            shared = []
            if landline and rng.random() < 0.85:
                shared.append(landline)
            shared.extend(extra.pop("phones", ()))
            person = self._person(
                identity + len(members),
                rng,
                first=extra.pop("first", None) or first_name(),
                last=extra.pop("last", last),
                year=max(1930, min(2008, relation_year)),
                city=city if rng.random() < 0.9 else None,
                shared_phones=tuple(shared),
                family_email=family_email if family_email and rng.random() < 0.7 else "",
            )
            person["dob"] = extra.pop("dob", person["dob"])
            return person

        members: list[dict] = []
        members.append(member(head_year))
        head_mobile = next((p for p in members[0]["phones"] if not p.startswith("+23420")), "")
        size = rng.choices([2, 3, 4, 5, 6], [35, 30, 20, 10, 5])[0]
        if rng.random() < 0.8:  # a spouse, who sometimes kept her own surname
            own = rng.random() < 0.15
            members.append(
                member(
                    head_year + rng.randint(-10, 6),
                    last=rng.choice(self.common_last) if own else last,
                )
            )
        while len(members) < size:
            roll = rng.random()
            if roll < 0.7:  # a child, with a parent's mobile on the form sometimes
                year = head_year + rng.randint(20, 38)
                phones = (head_mobile,) if head_mobile and rng.random() < 0.25 else ()
                child = member(year, phones=phones)
                members.append(child)
                if len(members) < size and rng.random() < 0.12:  # twins: born the same day
                    dob = child["dob"] or (year, rng.randint(1, 12), rng.randint(1, 28))
                    child["dob"] = dob
                    if rng.random() < 0.5 and not taken & {"taiwo", "kehinde"}:
                        taken.update(("taiwo", "kehinde"))
                        child["first"] = TWIN_NAMES[0]
                        names = {"first": TWIN_NAMES[1]}
                    else:
                        names = {}
                    members.append(member(year, phones=phones, dob=dob, **names))
            elif roll < 0.85:  # an adult brother or sister
                members.append(member(head_year + rng.choice([-1, 1]) * rng.randint(1, 12)))
            else:  # a grandparent
                members.append(member(head_year - rng.randint(20, 35)))
        for person in members:
            person["household"] = identity
        return members

    # --- one record of that person, as some channel captured it ---------------------------
    def _record(self, person: dict, rng: random.Random, first_record: bool) -> dict:
        noise = 0.35 if first_record else 1.0
        first, last = person["first"], person["last"]
        roll = rng.random()
        if roll < 0.14 * noise and first in NICKNAME_OF:
            first = rng.choice([n for n in NICKNAME_OF[first] if n != first])
        elif roll < 0.20 * noise:
            first = _typo(first, rng)
        elif roll < 0.24 * noise:
            first = first[0] + ("." if rng.random() < 0.5 else "")
        elif roll < 0.255 * noise:
            first = ""
        if rng.random() < 0.06 * noise:
            last = _typo(last, rng)
        if rng.random() < 0.3:
            first, last = _accents(first, rng), _accents(last, rng)
        if rng.random() < 0.04 * noise:
            first, last = last, first
        dob = ""
        if person["dob"] and rng.random() < 0.7:
            year, month, day = person["dob"]
            roll = rng.random()
            if roll < 0.05 * noise and day <= 12 and day != month:
                month, day = day, month
            elif roll < 0.08 * noise:
                day = min(28, max(1, day + rng.choice((-1, 1, 10, -10))))
            dob = f"{year:04d}-{month:02d}-{day:02d}"
        phones = []
        for number in person["phones"]:
            if rng.random() > 0.8 and len(person["phones"]) > 0:
                continue
            roll = rng.random()
            if number.startswith("+23420"):
                # A landline: an old record keeps the superseded plan's form (+234 1 …).
                is_old = rng.random() < OLD_PLAN_SHARE
                phones.append(_old_plan(number) if is_old else number)
            elif roll < 0.06 * noise:
                # Saved without its country code: only the last digits agree with the E.164 form.
                phones.append(_without_country_code(number, rng))
            else:
                phones.append(number)
        if rng.random() < 0.03 * noise:
            phones.append(self._mobile(rng))  # a new number the person gave this channel
        emails = []
        if person["email"] and rng.random() < 0.75:
            email = person["email"]
            roll = rng.random()
            if roll < 0.05 * noise:
                local, domain = email.split("@")
                email = f"{local}@{rng.choice(DOMAIN_TYPOS[domain])}"
            elif roll < 0.07 * noise:
                local, domain = email.split("@")
                email = f"{_typo(local, rng)}@{domain}"
            emails.append(email.lower())
        if person["family_email"] and rng.random() < 0.6:
            emails.append(person["family_email"])
        city = person["city"] if rng.random() < 0.8 else ""
        if city and rng.random() < 0.03 * noise:
            city = _typo(city, rng)
        organisation = person["organisation"] if rng.random() < 0.6 else ""
        if organisation and rng.random() < 0.3:
            organisation = organisation.replace(" Ltd", " Limited").replace(" Nig.", " Nigeria")
        return {
            "first_name": first,
            "last_name": last,
            "date_of_birth": dob,
            "phones": phones,
            "emails": emails,
            "city": city,
            "organisation": organisation,
            "identity": person["identity"],
            # The household's first member (0 for none): lets the bench say which wrong merges
            # joined members of one household. The matcher never reads it.
            "household": person["household"],
        }

    def records(self, count: int) -> Iterator[dict]:
        """`count` records (shuffled within windows so duplicates are not adjacent by id)."""
        rng = random.Random(self.seed + 1)
        produced = 0
        identity = 0
        window: list[dict] = []
        while produced < count:
            roll = rng.random()
            if roll < HOUSEHOLD_SHARE:
                people = self._household(identity, rng)
            elif roll < HOUSEHOLD_SHARE + NAMESAKE_SHARE:
                first, last = rng.choice(COMMON_FULL_NAMES)
                people = [self._person(identity, rng, first=first, last=last)]
            else:
                people = [self._person(identity, rng)]
            identity += len(people)
            for person in people:
                copies = rng.choices(RECORDS_PER_IDENTITY, RECORDS_WEIGHTS)[0]
                for copy in range(min(copies, count - produced)):
                    window.append(self._record(person, rng, first_record=copy == 0))
                    produced += 1
            if len(window) >= 5000 or produced >= count:
                rng.shuffle(window)
                yield from window
                window = []


def generate(count: int, seed: int = 20261123) -> list[dict]:
    records = []
    for index, record in enumerate(PeopleGenerator(seed).records(count)):
        record["id"] = index + 1
        records.append(record)
    return records


def _slug(name: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if c.isascii() and c.isalpha()).lower()


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 3:
        return text
    position = rng.randrange(1, len(text))
    kind = rng.random()
    if kind < 0.35:  # a letter dropped
        return text[:position] + text[position + 1 :]
    if kind < 0.65:  # a letter replaced
        return text[:position] + rng.choice(_LETTERS) + text[position + 1 :]
    if kind < 0.85 and position < len(text) - 1:  # two letters swapped
        return text[:position] + text[position + 1] + text[position] + text[position + 2 :]
    return text[:position] + text[position - 1] + text[position:]  # a letter doubled


def _accents(name: str, rng: random.Random) -> str:
    """Typed with or without the accents (folding makes these agree)."""
    if rng.random() < 0.5:
        return _slug_keep_case(name)
    return name.upper() if rng.random() < 0.2 else name


def _slug_keep_case(name: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _old_plan(number: str) -> str:
    """A current-plan landline as written before 1 January 2024: +234 20 1 … -> +234 1 …"""
    return "+234" + number[6:]


def _without_country_code(number: str, rng: random.Random) -> str:
    """0803 123 4567 stored as +2340803…, or only the national digits, or a foreign number
    normalised with the Nigerian default region: the last nine digits still agree."""
    national = number[4:] if number.startswith("+234") else number.lstrip("+")[-10:]
    roll = rng.random()
    if roll < 0.5:
        return national
    if roll < 0.8:
        return f"+234{national[-9:]}" if not number.startswith("+234") else f"0{national}"
    return f"+2340{national[-9:]}"
