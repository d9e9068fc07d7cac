"""How the values real exporters write are read: several values in one cell, dates with no year
or a placeholder, salutations in a name cell, other CRMs' stage names, decimal commas.

Pure functions (no database): `RowPreparer` calls them for every row, possibly in a worker.
"""

from __future__ import annotations

import datetime as dt
import re

# Google Contacts joins several values of one cell with " ::: ".
MULTI_VALUE = re.compile(r"\s*:::\s*")
# Outlook writes an empty date as 0/0/00 (or 0/0/0000); Google and vCard write a birthday with
# no year as --MM-DD (vCard 4 also --MMDD).
EMPTY_DATES = re.compile(r"0{1,2}[/.-]0{1,2}[/.-]0{2,4}")
NO_YEAR = re.compile(r"--(\d{2})-?(\d{2})")
EMPTY_GENDERS = {"unspecified", "unknown", "not specified", "n/a", "-"}
DAY_FIRST = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")
MONTH_FIRST = ("%m/%d/%Y", "%m/%d/%y")

# Titles written before a name in Nigeria and elsewhere ("Mrs. Bisi Adeyemi", "Chief (Dr.)
# Emeka Nwosu", "Alhaji Musa Bello"); compared without dots and brackets, lower case. Titles that
# are also given names or surnames (Prince, Eze, Obi, Igwe) are not in it.
HONORIFICS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "madam",
        "madame",
        "dr",
        "prof",
        "professor",
        "sir",
        "dame",
        "chief",
        "alhaji",
        "alhaja",
        "alh",
        "hajia",
        "hajiya",
        "mallam",
        "malam",
        "pastor",
        "pst",
        "rev",
        "revd",
        "reverend",
        "bishop",
        "apostle",
        "deacon",
        "deaconess",
        "engr",
        "barr",
        "barrister",
        "arc",
        "pharm",
        "hon",
        "sen",
        "senator",
        "gen",
        "col",
        "capt",
        "maj",
        "lt",
        "hrh",
        "otunba",
        "oloye",
        "ogbuefi",
        "mazi",
    ]
)
SUFFIXES = frozenset(
    [
        "jr",
        "jnr",
        "junior",
        "sr",
        "snr",
        "senior",
        "ii",
        "iii",
        "iv",
        "phd",
        "mba",
        "esq",
        "san",
        "mfr",
        "ofr",
        "con",
        "oon",
    ]
)

# Other CRMs' lifecycle stages -> the default stage keys of Centric (customers.choices).
# HubSpot's stages (labels and internal values) first.
STAGE_SYNONYMS = {
    "marketing qualified lead": "qualified",
    "marketingqualifiedlead": "qualified",
    "mql": "qualified",
    "sales qualified lead": "qualified",
    "salesqualifiedlead": "qualified",
    "sql": "qualified",
    "evangelist": "customer",
    "subscriber": "subscriber",
    "lead": "lead",
    "opportunity": "opportunity",
    "customer": "customer",
}


def split_values(cell: str) -> list[str]:
    """A cell's values: Google's " ::: " joins several in one cell."""
    return [piece for piece in MULTI_VALUE.split(cell) if piece.strip()]


def is_system_group(name: str) -> bool:
    """Google's own groups ("* myContacts", "* starred", "* friends") are written with a
    leading "* "; the user's labels never are. They are not the business's tags."""
    return name.strip().startswith("* ")


def is_empty_date(text: str) -> bool:
    return bool(EMPTY_DATES.fullmatch(text.strip()))


def month_day(text: str) -> tuple[int, int] | None:
    """(month, day) of a date written without a year (--04-17), else None."""
    match = NO_YEAR.fullmatch(text.strip())
    if not match:
        return None
    month, day = int(match.group(1)), int(match.group(2))
    try:
        dt.date(2000, month, day)  # a leap year: --02-29 is a birthday
    except ValueError:
        return None
    return month, day


def parse_slashed_date(text: str) -> dt.date | None:
    """Day first (as Nigeria writes dates); month first only when the day-first reading is
    impossible (Outlook in a US locale writes 4/17/1985)."""
    for patterns in (DAY_FIRST, MONTH_FIRST):
        for pattern in patterns:
            try:
                return dt.datetime.strptime(text.strip(), pattern).date()
            except ValueError:
                continue
    return None


def _bare(token: str) -> str:
    return token.strip("().,[]").lower()


def split_full_name(full: str) -> tuple[str, str, str]:
    """(first, middle, last) from one name cell, leading titles and trailing suffixes dropped."""
    parts = full.split()
    titled = False
    while len(parts) > 1 and _bare(parts[0]) in HONORIFICS:
        parts.pop(0)
        titled = True
    while len(parts) > 2 and _bare(parts[-1]) in SUFFIXES:
        parts.pop()
    parts = [p.rstrip(",") for p in parts]
    if not parts:
        return "", "", ""
    if len(parts) == 1:
        # "Mrs Adeyemi": a title goes with the family name.
        return ("", "", parts[0]) if titled else (parts[0], "", "")
    return parts[0], " ".join(parts[1:-1]), parts[-1]


def stage_key(value: str, stages: dict[str, str]) -> str | None:
    """The business's stage for a stage name from a file (its own names, then other CRMs')."""
    text = " ".join(value.lower().split())
    if text in stages:
        return stages[text]
    synonym = STAGE_SYNONYMS.get(text) or STAGE_SYNONYMS.get(text.replace(" ", ""))
    return stages.get(synonym) if synonym else None


def decimal_comma(text: str) -> str:
    """ "1.234,50" -> "1234.50": the number as written where the comma is the decimal mark."""
    return text.strip().replace(".", "").replace(" ", "").replace(",", ".")


# --- Contact point labels ("work", "home", "mobile", or the user's own, e.g. "Shop") ------------

LABEL_LIMIT = 50
# The exporters' standard labels, stored in lower case; any other label is kept as typed.
STANDARD_LABELS = {
    "mobile": "mobile",
    "cell": "mobile",
    "cellular": "mobile",
    "home": "home",
    "work": "work",
    "business": "work",
    "office": "work",
    "other": "other",
    "main": "main",
    "iphone": "iphone",
    "pager": "pager",
    "fax": "fax",
    "home fax": "home fax",
    "homefax": "home fax",
    "work fax": "work fax",
    "workfax": "work fax",
    "business fax": "work fax",
    "car": "car",
    "assistant": "assistant",
    "school": "school",
    "homepage": "homepage",
    "home page": "homepage",
    "blog": "blog",
    "profile": "profile",
    "google voice": "google voice",
}
# Words in a label that say how a value is sent, not what it is (Outlook's "SMTP", vCard's
# INTERNET, VOICE, PREF); never stored as a label.
NOT_LABELS = {"", "smtp", "internet", "x400", "voice", "pref", "text", "msg", "uri", "ex"}
_LABEL_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# Words of a column's name that say what its values are (Outlook's "Business Phone 2",
# HubSpot's "Mobile Phone Number", Salesforce's "MobilePhone").
HEADER_LABELS = {
    "mobile": "mobile",
    "cell": "mobile",
    "home": "home",
    "business": "work",
    "work": "work",
    "office": "work",
    "other": "other",
    "car": "car",
    "assistant": "assistant",
}


def contact_label(text: str) -> str:
    """A label as stored: Google's "* Work" (the star marks the preferred value) is "work", an
    iPhone's "_$!<Mobile>!$_" is "mobile", a label of the user's own ("Shop") is kept as typed;
    "SMTP" and the like are no label."""
    label = " ".join((text or "").split())
    if label.startswith("* "):
        label = label[2:]
    if label.startswith("_$!<") and label.endswith(">!$_"):
        label = label[4:-4]
    if label.lower() in NOT_LABELS:
        return ""
    return STANDARD_LABELS.get(label.lower(), label)[:LABEL_LIMIT]


def header_label(header: str) -> str:
    """The label a column's name gives its values: "Business Phone 2" → work, "Home Phone" →
    home, "MobilePhone" and "Mobile Phone Number" → mobile; "" when it names none."""
    for word in _LABEL_WORDS.findall(header or ""):
        if label := HEADER_LABELS.get(word.lower()):
            return label
    return ""
