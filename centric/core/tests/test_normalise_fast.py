"""The fast paths in normalise.py give exactly what the full phonenumbers / email_validator path
gives, or step aside (None) — compared on generated messy inputs, valid and invalid."""

import random

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from centric.core import normalise
from centric.core.normalise import normalise_email, normalise_phone

REGIONS = ["NG", "GH", "KE", "ZA", "FR", "GB", "US"]


def _mobile_prefixes(region: str) -> list[str]:
    """National prefixes of valid mobiles, read from phonenumbers' own example and metadata."""
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    assert example is not None
    national = str(example.national_number)
    prefixes = {national[:3]}
    rng = random.Random(region)
    while len(prefixes) < 12:
        candidate = str(rng.randrange(10**2, 10**3))
        number = phonenumbers.PhoneNumber(
            country_code=example.country_code,
            national_number=int(candidate + national[3:]),
        )
        if phonenumbers.is_valid_number(number):
            prefixes.add(candidate)
        if rng.random() < 0.01:
            break
    return sorted(prefixes)


def _written(e164: str, rng: random.Random) -> str:
    """The ways people write a number (the bench generator's, and a few more)."""
    number = phonenumbers.parse(e164)
    code, national = str(number.country_code), str(number.national_number)
    a, b, c = national[:3], national[3:6], national[6:]
    return rng.choice(
        [
            f"0{a} {b} {c}",
            f"+{code} {a} {b} {c}",
            f"{code}-{a}-{b}-{c}",
            f"({code}) {a}-{b}-{c}",
            f"(0{a}) {b}-{c}",
            f"0{a}{b}{c}",
            f"0{a}.{b}.{c}",
            e164,
            f"{code} {a} {b}{c}",
            f"+{code} (0) {a} {b} {c}",
            f"+{code}0{national}",
            f"00{code}{national}",
            f"00 {code} {a} {b} {c}",
            f"{national}",
            f"0{a}  {b}   {c}",
            f"(0{a} {b} {c}",
        ]
    )


def _damaged(text: str, rng: random.Random) -> str:
    """Invalid or odd variants: too short, too long, wrong prefix, letters, extensions."""
    choice = rng.randrange(9)
    if choice == 0:
        return text[: rng.randrange(1, max(2, len(text)))]
    if choice == 1:
        return text + str(rng.randrange(10))
    if choice == 2:
        return text.replace(text.lstrip("+(0")[:1], str(rng.randrange(10)), 1)
    if choice == 3:
        return text + " ext 12"
    if choice == 4:
        return text.replace("0", "O", 1)
    if choice == 5:
        return "0" + text
    if choice == 6:
        return text.replace(" ", "/", 1)
    if choice == 7:
        return "009" + text.lstrip("+0")
    return "+" + text.lstrip("+")


def _agree_on_phone(text: str, region: str) -> bool:
    text = text.strip()
    if not text:
        return True
    fast = normalise._fast_phone(text, region)
    if fast is None:
        return True
    assert fast == normalise._library_phone(text, region), (text, region)
    return True


@pytest.mark.parametrize("region", REGIONS)
def test_fast_phone_path_agrees_with_phonenumbers_on_written_and_damaged_numbers(region):
    rng = random.Random(f"phones-{region}")
    code = phonenumbers.country_code_for_region(region)
    prefixes = _mobile_prefixes(region)
    example = str(
        phonenumbers.example_number_for_type(
            region, phonenumbers.PhoneNumberType.MOBILE
        ).national_number
    )
    taken = 0
    total = 3000
    for _index in range(total):
        national = rng.choice(prefixes) + "".join(
            str(rng.randrange(10)) for _ in range(len(example) - 3)
        )
        text = _written(f"+{code}{national}", rng)
        if rng.random() < 0.3:
            text = _damaged(text, rng)
        fast = normalise._fast_phone(text, region)
        if fast is not None:
            taken += 1
            assert fast == normalise._library_phone(text, region), (text, region)
    if normalise._fast_phone_region(region):
        assert taken > total * 0.5  # the fast path carries the common shapes
    else:
        assert taken == 0


def test_fast_phone_path_steps_aside_for_invalid_and_foreign_numbers():
    for text in ["0803 125", "0803 123 45678", "0603 123 4567", "080312345a7", "+44 20 7946 0958"]:
        assert normalise._fast_phone(text, "NG") is None
    assert normalise_phone("+44 20 7946 0958", "NG") == "+442079460958"


def test_fast_path_carries_nigerian_mobiles_of_every_valid_prefix():
    """Every 3-digit prefix phonenumbers holds valid for an NG mobile takes the fast path."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("NG")
    mobile = metadata.mobile
    prefixes = [
        f"{prefix}"
        for prefix in range(700, 1000)
        if phonenumbers.is_valid_number(
            phonenumbers.PhoneNumber(country_code=234, national_number=int(f"{prefix}1234567"))
        )
    ]
    assert len(prefixes) > 20 and mobile is not None
    for prefix in prefixes:
        text = f"0{prefix} 123 4567"
        assert normalise._fast_phone(text, "NG") == f"+234{prefix}1234567"
        assert normalise._library_phone(text, "NG") == f"+234{prefix}1234567"


@settings(max_examples=1500, deadline=None)
@given(
    st.sampled_from(REGIONS),
    st.sampled_from(["", "+", "0", "00", "009", "+234", "234", "+2340", "(0", "00234", "+1", "1"]),
    st.text(alphabet="0123456789 ().-", min_size=1, max_size=20),
)
def test_fast_phone_path_agrees_on_generated_text(region, head, tail):
    assert _agree_on_phone(head + tail, region)


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(REGIONS), st.text(alphabet="0123456789 +-().x/#*", max_size=24))
def test_fast_phone_path_agrees_on_arbitrary_phone_like_text(region, text):
    assert _agree_on_phone(text, region)


# --- Emails -----------------------------------------------------------------------------------


def _agree_on_email(text: str) -> bool:
    text = text.strip()
    if not text or len(text) > 254:
        return True
    fast = normalise._fast_email(text)
    if fast is None:
        return True
    assert fast == normalise._library_email(text), text
    return True


EMAIL_LOCALS = [
    "ada.okafor12",
    "Ada.Okafor",
    "ADA",
    "a+tag",
    "o'neil",
    "x_y-z",
    "a..b",
    ".ada",
    "ada.",
    "postmaster",
    "Abuse",
    "a" * 64,
    "a" * 65,
    "ad a",
    "adé",
    '"ada"',
    "{weird}|~",
    "",
]
EMAIL_DOMAINS = [
    "gmail.com",
    "Yahoo.COM",
    "example.com",
    "mail.example.ng",
    "com",
    "localhost",
    "x.local",
    "x.test",
    "x.invalid",
    "x.onion",
    "1.2.3.4",
    "x.123",
    "-x.com",
    "x-.com",
    "x--y.com",
    "xn--bcher-kva.de",
    "xn--zz.com",
    "a..com",
    ".a.com",
    "a.com.",
    "b" * 63 + ".com",
    "b" * 64 + ".com",
    ("c" * 60 + ".") * 4 + "com",
    "[127.0.0.1]",
    "bücher.de",
    "",
]


def test_fast_email_path_agrees_with_email_validator_on_messy_addresses():
    rng = random.Random("emails")
    taken = 0
    for local in EMAIL_LOCALS:
        for domain in EMAIL_DOMAINS:
            for text in (f"{local}@{domain}", f"{local}@{domain}".upper(), f"{local} at {domain}"):
                assert _agree_on_email(text)
                taken += normalise._fast_email(text) is not None
    for _index in range(3000):
        first = rng.choice(["Ada", "Bayo", "chidi", "NGOZI", "o'neil", "Zainab"])
        text = f"{first}.{rng.choice(['okafor', 'Adeyemi', 'x'])}{rng.randrange(10**7)}@" + (
            rng.choice(["gmail.com", "Yahoo.com", "OUTLOOK.COM", "mail.ng", "company.com.ng"])
        )
        assert normalise._fast_email(text) == normalise._library_email(text)
    assert taken > 100


@settings(max_examples=1500, deadline=None)
@given(st.emails())
def test_fast_email_path_agrees_on_generated_addresses(text):
    assert _agree_on_email(text)


@settings(max_examples=1500, deadline=None)
@given(
    st.text(alphabet="aZ09.-_+'@é\"", min_size=1, max_size=20),
    st.sampled_from(["", "@gmail.com", "@x.local", "@Ex-ample.COM", "@a", "@[1.2.3.4]"]),
)
def test_fast_email_path_agrees_on_generated_text(text, tail):
    assert _agree_on_email(text + tail)


def test_fast_email_path_keeps_the_full_path_messages():
    for bad in ["a..b@example.com", "ada@localhost", "ada@x.test", "a@-x.com"]:
        assert normalise._fast_email(bad) is None
        with pytest.raises(Exception, match="not a valid email"):
            normalise_email(bad)
    assert normalise_email("  Ada.Okafor@Example.COM ") == "ada.okafor@example.com"


def test_precompiled_validity_agrees_with_phonenumbers_for_every_single_region_code():
    """`_validity` re-reads phonenumbers' metadata; for every country code with one region it
    must call the same national numbers valid as `is_valid_number` does: each type's example
    number, and random digits of every length the region allows, near-misses included."""
    rng = random.Random(7)
    checked = valid_seen = 0
    for code, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items():
        valid = normalise._validity(str(code))
        if len(regions) != 1:
            assert valid is None
            continue
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(regions[0])
        if metadata is None:
            continue
        samples = set()
        for kind in normalise._NUMBER_TYPES:
            desc = getattr(metadata, kind)
            if desc is not None and desc.example_number:
                samples.add(desc.example_number)
                samples.add(desc.example_number[:-1])
                samples.add(desc.example_number + "5")
        lengths = metadata.general_desc.possible_length or (8, 9, 10)
        for length in lengths:
            for _ in range(25):
                digits = rng.choices("0123456789", k=length - 1)
                samples.add(str(rng.randrange(1, 10)) + "".join(digits))
        for national in samples - {""}:
            if national[0] == "0":
                continue  # `_valid_national` refuses these before asking
            expected = phonenumbers.is_valid_number(
                phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
            )
            assert valid(national) == expected, (code, national)
            checked += 1
            valid_seen += expected
    assert checked > 10_000 and valid_seen > 1_000
