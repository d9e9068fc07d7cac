"""Deterministic, believable rows for the scale dataset: names, phones, emails, touchpoints.

Pure functions of a seed and a row number, no database: the generator streams them into COPY,
the CSV-import benchmark writes them (made messy) to a file, and the unit tests check that what
they produce is exactly what the application's own normalisers would store.
"""

from __future__ import annotations

import random
from functools import lru_cache

from centric.core.search import search_key

FIRST_NAMES = [
    "Adébáyọ̀",
    "Adeola",
    "Adaeze",
    "Abiodun",
    "Abubakar",
    "Adaobi",
    "Aisha",
    "Akinwale",
    "Amaka",
    "Aminu",
    "Anuoluwapo",
    "Ayọ̀ọlá",
    "Babajide",
    "Bọ́lá",
    "Chiamaka",
    "Chidi",
    "Chiara",
    "Chinedu",
    "Chinonso",
    "Chioma",
    "Chukwuemeka",
    "Damilare",
    "Danjuma",
    "Ebere",
    "Efosa",
    "Ejiro",
    "Emeka",
    "Ene",
    "Ẹniọlá",
    "Fatima",
    "Folake",
    "Funmilayo",
    "Garba",
    "Habiba",
    "Hadiza",
    "Ibrahim",
    "Ifeoma",
    "Ifeanyi",
    "Ikechukwu",
    "Ireti",
    "Jùmọ̀kẹ́",
    "Kelechi",
    "Kẹ́hìndé",
    "Kunle",
    "Ladi",
    "Lami",
    "Maryam",
    "Musa",
    "Ngozi",
    "Nkechi",
    "Nnamdi",
    "Nneka",
    "Obinna",
    "Ochuko",
    "Olúwaṣeun",
    "Olumide",
    "Omolara",
    "Onyeka",
    "Ọ̀pẹ́yẹmí",
    "Osaro",
    "Rukayat",
    "Sadiq",
    "Ṣadé",
    "Segun",
    "Tèmítọ́pẹ́",
    "Tobenna",
    "Tolu",
    "Tunde",
    "Uche",
    "Usman",
    "Uzoma",
    "Yetunde",
    "Yusuf",
    "Zainab",
    "Zara",
    "John",
    "Mary",
    "James",
    "Patricia",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Sarah",
    "Richard",
    "Grace",
    "Joseph",
    "Rebecca",
    "Thomas",
    "Esther",
    "Daniel",
    "Ruth",
    "Samuel",
    "Deborah",
    "Peter",
    "Joy",
    "Paul",
    "Faith",
    "Emmanuel",
    "Blessing",
    "Mohammed",
    "Fatou",
    "Kwame",
    "Akosua",
    "Kofi",
    "Ama",
    "Wanjiru",
    "Kamau",
    "Thabo",
    "Lindiwe",
    "Amadou",
    "Aïssatou",
    "Sékou",
    "José",
    "María",
    "François",
    "Zoë",
    "Björn",
    "Søren",
    "Łukasz",
    "Renée",
    "Chloé",
    "Günther",
    "Mei",
    "Wei",
    "Hiroshi",
    "Yuki",
    "Priya",
    "Arjun",
    "Anaïs",
    "Noémie",
    "Jürgen",
    "Ángel",
    "Inés",
    "Raúl",
    "Siobhán",
    "Seán",
    "Oisín",
    "Niamh",
    "Dmitri",
    "Olga",
    "Nadia",
    "Omar",
]

LAST_NAMES = [
    "Adeyemi",
    "Okafor",
    "Bello",
    "Okonkwo",
    "Ogunleye",
    "Eze",
    "Abubakar",
    "Adewale",
    "Nwosu",
    "Ibrahim",
    "Olawale",
    "Obi",
    "Ojo",
    "Balogun",
    "Chukwu",
    "Danjuma",
    "Ekwueme",
    "Fashola",
    "Gambo",
    "Haruna",
    "Ige",
    "Jibril",
    "Kalu",
    "Lawal",
    "Mohammed",
    "Nnadi",
    "Odukoya",
    "Ọ̀ṣọbà",
    "Ọlátúnjí",
    "Adébáyọ̀",
    "Àjàyí",
    "Òkéke",
    "Pius",
    "Quadri",
    "Ribadu",
    "Sanusi",
    "Tinubu",
    "Uba",
    "Vincent",
    "Wike",
    "Yakubu",
    "Zubairu",
    "Okoro",
    "Onyekachi",
    "Ogbonna",
    "Ezeh",
    "Ndukwe",
    "Akande",
    "Afolabi",
    "Babatunde",
    "Oyelaran",
    "Oyinlola",
    "Aderinto",
    "Fagbemi",
    "Ogundipe",
    "Ikenna",
    "Oduya",
    "Olaniyan",
    "Osagie",
    "Idahosa",
    "Aigbe",
    "Edo",
    "Omoregie",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "García",
    "Müller",
    "O'Neil",
    "Smith-Jones",
    "Dubois",
    "Lefèvre",
    "Rossi",
    "Nakamura",
    "Chen",
    "Wang",
    "Kumar",
    "Patel",
    "Mensah",
    "Asante",
    "Boateng",
    "Owusu",
    "Kariuki",
    "Otieno",
    "Ndlovu",
    "Dlamini",
    "Diallo",
    "Traoré",
    "Coulibaly",
    "Ng",
    "Novak",
    "Kowalski",
    "Jensen",
    "Åberg",
    "Ødegaard",
    "Núñez",
    "Peña",
    "Ó",
    "Briain",
    "Schäfer",
]

# Yoruba/Igbo/Hausa-like syllables make a long tail of rarer surnames, as real customer lists have.
_SYLLABLES = [
    "a",
    "ba",
    "bi",
    "bo",
    "da",
    "de",
    "di",
    "do",
    "fa",
    "fe",
    "fi",
    "fo",
    "ga",
    "gbe",
    "gbo",
    "ja",
    "ji",
    "jo",
    "ka",
    "ke",
    "ki",
    "ko",
    "la",
    "le",
    "li",
    "lo",
    "ma",
    "me",
    "mi",
    "mo",
    "na",
    "ne",
    "ni",
    "no",
    "nwa",
    "nze",
    "o",
    "ola",
    "olu",
    "omo",
    "pa",
    "pe",
    "po",
    "ra",
    "re",
    "ri",
    "ro",
    "sa",
    "se",
    "si",
    "so",
    "ta",
    "te",
    "ti",
    "to",
    "tu",
    "wa",
    "we",
    "wo",
    "ya",
    "ye",
    "yo",
    "za",
    "ze",
    "chi",
    "chu",
    "eke",
    "emu",
    "ibe",
    "ike",
    "oke",
    "oma",
    "onu",
    "ugo",
    "uzo",
]

SOURCES = ["walk-in", "referral", "instagram", "facebook", "website", "whatsapp", "market", ""]
CAMPAIGNS = ["", "", "", "easter-sale", "black-friday", "back-to-school", "detty-december"]
GENDERS = ["female", "male", "female", "male", "other", "undisclosed", ""]
LANGUAGES = ["en", "en", "en", "yo", "ig", "ha", "fr", ""]
STAGES = [
    "subscriber",
    "lead",
    "qualified",
    "opportunity",
    "customer",
    "customer",
    "lost",
    "churned",
]
EMAIL_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "mail.ng", "example.ng"]

NG_MOBILE_PREFIXES = [
    "701",
    "703",
    "704",
    "705",
    "706",
    "707",
    "708",
    "709",
    "802",
    "803",
    "804",
    "805",
    "806",
    "807",
    "808",
    "809",
    "810",
    "811",
    "812",
    "813",
    "814",
    "815",
    "816",
    "817",
    "818",
    "901",
    "902",
    "903",
    "904",
    "905",
    "906",
    "907",
    "908",
    "909",
    "912",
    "913",
    "915",
    "916",
]
# (E.164 head, number of random digits after it, how people write it: list of formats)
FOREIGN_PHONES = [
    ("+447400", 6),  # United Kingdom mobile
    ("+1202555", 4),  # United States
    ("+23324", 7),  # Ghana
    ("+25471", 7),  # Kenya
    ("+2782", 7),  # South Africa
    ("+49151", 8),  # Germany
    ("+97150", 7),  # United Arab Emirates
]

CHANNEL_MIX = [
    # channel, kind, direction, weight
    ("email", "email", "outbound", 14),
    ("email", "email", "inbound", 8),
    ("whatsapp", "message", "inbound", 16),
    ("whatsapp", "message", "outbound", 14),
    ("sms", "message", "outbound", 10),
    ("phone", "call", "inbound", 7),
    ("phone", "call", "outbound", 7),
    ("in_person", "meeting", "internal", 3),
    ("visit", "visit", "internal", 3),
    ("web", "form", "inbound", 5),
    ("other", "note", "internal", 8),
    ("in_person", "purchase", "inbound", 5),
]
SUBJECTS = {
    "email": ["Your order", "Invoice", "Delivery update", "New arrivals this week", "Re: quote"],
    "message": ["Is this in stock?", "Price enquiry", "Thank you!", "Delivery address", "Payment"],
    "call": ["Follow-up call", "Complaint", "Order by phone", "Missed delivery"],
    "meeting": ["Showroom visit", "Wholesale meeting"],
    "visit": ["Shop visit", "Site visit Lekki", "Delivery and setup"],
    "form": ["Website enquiry", "Newsletter sign-up"],
    "note": ["Prefers WhatsApp", "VIP customer", "Asked for a discount", "Call back next week"],
    "purchase": ["Till receipt", "Layaway payment", "Bulk purchase"],
}


def _syllable_name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


@lru_cache(maxsize=4096)
def name_key(name: str) -> str:
    return search_key(name)


def person_search_name(first: str, middle: str, last: str) -> str:
    """Equal to centric.customers.services.people.person_search_name for these parts."""
    return " ".join(k for k in (name_key(first), name_key(middle), name_key(last)) if k)[:400]


class Names:
    """Picks names with a realistic skew: a few very common, a long tail of rare ones."""

    def __init__(self, seed: int):
        rng = random.Random(seed)
        tail = sorted({_syllable_name(rng) for _ in range(6000)})
        self.first = FIRST_NAMES
        self.last = list(LAST_NAMES) + tail
        self.common_last = len(LAST_NAMES)

    def pick(self, rng: random.Random) -> tuple[str, str, str]:
        first = self.first[min(int(rng.paretovariate(0.9)) - 1, len(self.first) - 1)]
        first = self.first[rng.randrange(len(self.first))] if rng.random() < 0.7 else first
        if rng.random() < 0.6:
            last = self.last[rng.randrange(self.common_last)]
        else:
            last = self.last[rng.randrange(self.common_last, len(self.last))]
        middle = self.first[rng.randrange(len(self.first))] if rng.random() < 0.25 else ""
        return first, middle, last


def ascii_slug(name: str) -> str:
    return name_key(name).replace(" ", "")


def ng_phone(index: int) -> str:
    """A unique, valid Nigerian mobile number (E.164) for row `index` (< 10 million)."""
    digits = (index * 1234567 + 891) % 10_000_000
    prefix = NG_MOBILE_PREFIXES[(index * 7 + index // 97) % len(NG_MOBILE_PREFIXES)]
    return f"+234{prefix}{digits:07d}"


def foreign_phone(index: int, rng: random.Random) -> str:
    head, width = FOREIGN_PHONES[index % len(FOREIGN_PHONES)]
    tail = (index * 2654435761 + 12345) % (10**width)
    if head == "+1202555":
        tail = 100 + tail % 100  # 555-0100..0199: the numbers reserved for fiction
        return f"{head}0{tail:03d}"
    return f"{head}{tail:0{width}d}"


def messy_phone(e164: str, rng: random.Random) -> str:
    """How a person might have written `e164`: 0803 123 4567, 234-803-123-4567, (0803) 123-4567…"""
    if e164.startswith("+234"):
        national = e164[4:]
        a, b, c = national[:3], national[3:6], national[6:]
        return rng.choice(
            [
                f"0{a} {b} {c}",
                f"+234 {a} {b} {c}",
                f"234-{a}-{b}-{c}",
                f"(0{a}) {b}-{c}",
                f"0{a}{b}{c}",
                e164,
                f"234 {a} {b}{c}",
                f"+234 (0) {a} {b} {c}",
            ]
        )
    digits = e164[1:]
    return rng.choice([e164, f"00{digits}", f"+{digits[:-7]} {digits[-7:-4]} {digits[-4:]}"])


def person_email(index: int, first: str, last: str, rng: random.Random) -> tuple[str, str]:
    """(as entered, normalised) — unique per row."""
    local = f"{ascii_slug(first) or 'x'}.{ascii_slug(last) or 'x'}{index}"
    domain = EMAIL_DOMAINS[index % len(EMAIL_DOMAINS)]
    normalised = f"{local}@{domain}"
    entered = normalised
    roll = rng.random()
    if roll < 0.2:
        entered = f"{local.capitalize()}@{domain.capitalize()}"
    elif roll < 0.3:
        entered = normalised.upper()
    return entered, normalised


_CHANNEL_WEIGHTS = [c[3] for c in CHANNEL_MIX]


def interaction_kinds(rng: random.Random, count: int) -> list[tuple[str, str, str, int]]:
    return rng.choices(CHANNEL_MIX, weights=_CHANNEL_WEIGHTS, k=count)
