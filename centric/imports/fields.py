"""The fields a column can be mapped to, and the mapping suggested from a file's headers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centric.customers.choices import ConsentPurpose
from centric.extras.models import CustomFieldDefinition
from centric.imports.models import MatchBy, RecordType

_NOT_WORD = re.compile(r"[^a-z0-9]+")
_TRAILING_NUMBER = re.compile(r"\d+$")

# Fields that may take several columns (a person may have a phone and a mobile column).
MULTI = {"email", "phone", "whatsapp", "website", "social", "tags"}
CONTACT_TARGETS = ("email", "phone", "whatsapp", "website", "social")
ADDRESS_TARGETS = ("street", "city", "state", "postal_code", "country")
UTM = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


@dataclass(frozen=True)
class Target:
    key: str
    label: object
    aliases: tuple[str, ...] = ()


def compact(text: str) -> str:
    return _NOT_WORD.sub("", (text or "").lower())


COMMON = [
    Target(
        "external_id",
        gettext_lazy("External id"),
        (
            "externalid",
            "customerid",
            "clientid",
            "id",
            "customernumber",
            "customerno",
            "accountnumber",
            "reference",
            "ref",
            "uid",
            "crmid",
        ),
    ),
    Target("email", gettext_lazy("Email"), ("email", "emailaddress", "mail", "emails")),
    Target(
        "phone",
        gettext_lazy("Phone"),
        (
            "phone",
            "mobile",
            "tel",
            "telephone",
            "gsm",
            "cell",
            "cellphone",
            "phonenumber",
            "mobilenumber",
            "mobilephone",
            "msisdn",
            "telephonenumber",
            "phoneno",
            "contactnumber",
        ),
    ),
    Target(
        "whatsapp", gettext_lazy("WhatsApp"), ("whatsapp", "whatsappnumber", "wa", "whatsappno")
    ),
    Target("website", gettext_lazy("Website"), ("website", "web", "url", "homepage", "site")),
    Target(
        "social",
        gettext_lazy("Social handle"),
        ("social", "instagram", "twitter", "facebook", "tiktok", "handle", "ig"),
    ),
    Target(
        "street",
        gettext_lazy("Street"),
        ("street", "address", "address1", "addressline1", "streetaddress"),
    ),
    Target("city", gettext_lazy("City"), ("city", "town")),
    Target("state", gettext_lazy("State"), ("state", "region", "province", "county")),
    Target(
        "postal_code", gettext_lazy("Postal code"), ("postalcode", "postcode", "zip", "zipcode")
    ),
    Target("country", gettext_lazy("Country (ISO code)"), ("country", "countrycode")),
    Target(
        "lifecycle_stage", gettext_lazy("Lifecycle stage"), ("lifecyclestage", "stage", "lifecycle")
    ),
    Target(
        "source",
        gettext_lazy("Source"),
        ("source", "leadsource", "acquisitionchannel", "channel", "howdidyouhearaboutus"),
    ),
    Target("campaign", gettext_lazy("Campaign"), ("campaign", "campaignname")),
    *[Target(key, key, (compact(key),)) for key in UTM],
    Target(
        "tags",
        gettext_lazy("Tags (comma-separated)"),
        ("tags", "tag", "labels", "label", "segments", "segment", "groups"),
    ),
    Target(
        "owner",
        gettext_lazy("Owner (username or email)"),
        (
            "owner",
            "accountowner",
            "assignedto",
            "salesrep",
            "accountmanager",
            "ownerusername",
            "owneremail",
        ),
    ),
]
PEOPLE = [
    Target(
        "first_name",
        gettext_lazy("First name"),
        ("firstname", "givenname", "forename", "first", "fname"),
    ),
    Target(
        "middle_name",
        gettext_lazy("Middle name"),
        ("middlename", "middle", "othername", "othernames"),
    ),
    Target(
        "last_name",
        gettext_lazy("Last name"),
        ("lastname", "surname", "familyname", "last", "lname"),
    ),
    Target(
        "full_name",
        gettext_lazy("Full name (split into first and last)"),
        ("name", "fullname", "customername", "contactname", "displayname", "clientname"),
    ),
    Target(
        "date_of_birth",
        gettext_lazy("Date of birth"),
        ("dateofbirth", "dob", "birthday", "birthdate", "bday"),
    ),
    Target("gender", gettext_lazy("Gender"), ("gender", "sex")),
    Target(
        "preferred_language",
        gettext_lazy("Preferred language"),
        ("language", "preferredlanguage", "lang"),
    ),
    Target(
        "organisation",
        gettext_lazy("Organisation"),
        ("organisation", "organization", "company", "companyname", "employer", "business", "org"),
    ),
    Target(
        "role",
        gettext_lazy("Role or title at the organisation"),
        ("role", "title", "jobtitle", "position", "designation"),
    ),
    *COMMON,
]
ORGANISATIONS = [
    Target(
        "name",
        gettext_lazy("Name"),
        (
            "name",
            "organisation",
            "organization",
            "company",
            "companyname",
            "business",
            "businessname",
            "organisationname",
            "organizationname",
        ),
    ),
    Target("industry", gettext_lazy("Industry"), ("industry", "sector")),
    *COMMON,
]
REQUIRED: dict[str, list[tuple[str, ...]]] = {
    RecordType.PEOPLE: [("first_name", "last_name", "full_name")],
    RecordType.ORGANISATIONS: [("name",)],
}


def targets(record_type: str) -> list[Target]:
    """Every target for a record type, with consent and custom-field targets appended."""
    base = PEOPLE if record_type == RecordType.PEOPLE else ORGANISATIONS
    result = list(base)
    if record_type == RecordType.PEOPLE:
        for purpose in ConsentPurpose:
            channel = purpose.value.split("_")[-1]
            result.append(
                Target(
                    f"consent.{purpose.value}",
                    _("Consent: %(purpose)s") % {"purpose": purpose.label},
                    (
                        compact(f"consent {purpose.value}"),
                        compact(f"consent {purpose.label}"),
                        compact(f"{purpose.value} consent"),
                        f"{channel}consent",
                        f"{channel}optin",
                        f"optin{channel}",
                    ),
                )
            )
    definition_type = "person" if record_type == RecordType.PEOPLE else "organisation"
    for definition in CustomFieldDefinition.objects.filter(record_type=definition_type):
        result.append(
            Target(
                f"cf.{definition.key}",
                _("Custom field: %(label)s") % {"label": definition.label},
                (
                    compact(definition.key),
                    compact(definition.label),
                    compact(f"cf {definition.key}"),
                ),
            )
        )
    return result


def target_choices(record_type: str) -> list[tuple[str, str]]:
    return [("", _("— do not import —"))] + [(t.key, str(t.label)) for t in targets(record_type)]


def _guess(header: str, available: list[Target]) -> str:
    key = compact(header)
    if not key:
        return ""
    # Custom fields and consent first: their names are specific to this business.
    ordered = sorted(available, key=lambda t: 0 if t.key.startswith(("cf.", "consent.")) else 1)
    for candidate in (key, _TRAILING_NUMBER.sub("", key)):
        for target in ordered:
            if candidate == compact(target.key) or candidate in target.aliases:
                return target.key
    if key.startswith("utm"):
        return ""
    if key.endswith(("id", "number", "no")) and key.startswith(
        ("customer", "client", "company", "organisation", "organization", "account", "member")
    ):
        return "external_id"
    if "whatsapp" in key:
        return "whatsapp"
    if key.endswith(("email", "emailaddress", "mail")):
        return "email"
    if key.endswith(("phone", "mobile", "tel", "gsm", "cell", "number")) and "id" not in key:
        return "phone"
    return ""


def suggest_mapping(headers: list[str], record_type: str) -> dict[str, str]:
    """Each header's best target; a single-valued target goes only to the first column claiming it."""
    available = targets(record_type)
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    for header in headers:
        guess = _guess(header, available)
        if guess and guess not in MULTI and guess in taken:
            guess = ""
        if guess:
            taken.add(guess)
        mapping[header] = guess
    return mapping


def clean_mapping(
    mapping: dict[str, str], headers: list[str], record_type: str, match_by: str
) -> dict[str, str]:
    """Validate a mapping: known targets, single targets used once, required fields present."""
    known = {t.key: t for t in targets(record_type)}
    labels = {key: str(t.label) for key, t in known.items()}
    errors: list[str] = []
    cleaned: dict[str, str] = {}
    used: dict[str, list[str]] = {}
    for header, target in mapping.items():
        target = (target or "").strip()
        if not target:
            continue
        if header not in headers:
            errors.append(_("The file has no column “%(column)s”.") % {"column": header})
            continue
        if target not in known:
            errors.append(
                _("“%(target)s” is not a field you can import into.") % {"target": target}
            )
            continue
        used.setdefault(target, []).append(header)
        cleaned[header] = target
    for target, columns in used.items():
        if len(columns) > 1 and target not in MULTI:
            errors.append(
                _("Several columns are mapped to %(field)s: %(columns)s.")
                % {"field": labels[target], "columns": ", ".join(columns)}
            )
    for alternatives in REQUIRED[record_type]:
        if not any(a in used for a in alternatives):
            errors.append(
                _("The file has no column for %(fields)s (required).")
                % {"fields": _(" or ").join(labels[a] for a in alternatives)}
            )
    if match_by == MatchBy.EMAIL and "email" not in used:
        errors.append(_("Matching by email needs a column mapped to Email."))
    if errors:
        raise ValidationError(errors)
    return cleaned
