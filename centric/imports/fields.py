"""The fields a column can be mapped to, and the mapping suggested from a file's headers.

A file written by a known exporter (Google Contacts, Outlook, Salesforce, HubSpot) is recognised
from its header row and mapped with that exporter's column names; any other column is guessed
from its name. Every suggestion carries the reason shown on the mapping page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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
OPT_OUT_CHANNELS = {"marketing_email": "email", "marketing_phone": "phone", "marketing_sms": "sms"}


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
            "recordid",
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
    Target(
        "state", gettext_lazy("State"), ("state", "region", "province", "county", "stateregion")
    ),
    Target(
        "postal_code", gettext_lazy("Postal code"), ("postalcode", "postcode", "zip", "zipcode")
    ),
    Target(
        "country",
        gettext_lazy("Country (ISO code)"),
        ("country", "countrycode", "countryregion"),
    ),
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
    Target("team", gettext_lazy("Team (its name)"), ("team", "teamname", "ownerteam", "salesteam")),
    Target(
        "last_modified",
        gettext_lazy("Last modified (when the program that wrote the file last changed the row)"),
        (
            "lastmodified",
            "lastmodifieddate",
            "lastmodifiedat",
            "lastmodifiedon",
            "datemodified",
            "modifiedat",
            "modifiedon",
            "lastupdated",
            "updatedat",
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
        # Other CRMs keep the opposite: a flag set when the person opted out (HasOptedOutOfEmail).
        for opted_out, channel in OPT_OUT_CHANNELS.items():
            aliases = {"email": ("email", "mail"), "phone": ("call", "phone"), "sms": ("sms",)}
            result.append(
                Target(
                    f"optout.{opted_out}",
                    _("Opted out: %(purpose)s (yes = consent withdrawn)")
                    % {"purpose": ConsentPurpose(opted_out).label},
                    tuple(
                        alias
                        for word in aliases[channel]
                        for alias in (
                            f"hasoptedoutof{word}",
                            f"{word}optout",
                            f"optout{word}",
                            f"donot{word}",
                            f"unsubscribedfrom{word}",
                        )
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


_OPT_OUT = ("optout", "optedout", "unsubscribe", "donotcall", "donotemail", "hasopted")


def _guess(header: str, available: list[Target]) -> str:
    key = compact(header)
    if not key:
        return ""
    # Custom fields and consent first: their names are specific to this business.
    ordered = sorted(
        available, key=lambda t: 0 if t.key.startswith(("cf.", "consent.", "optout.")) else 1
    )
    for candidate in (key, _TRAILING_NUMBER.sub("", key)):
        for target in ordered:
            if candidate == compact(target.key) or candidate in target.aliases:
                return target.key
    if key.startswith("utm"):
        return ""
    # "HasOptedOutOfEmail", "Email Opt Out", "Do Not Call": flags about a channel, not its address.
    if any(word in key for word in _OPT_OUT):
        return ""
    if key.endswith(("id", "number", "no")) and key.startswith(
        ("customer", "client", "company", "organisation", "organization", "account", "member")
    ):
        return "external_id"
    if "whatsapp" in key:
        return "whatsapp"
    # "E-mail 2 Address", "Business Phone 2": the number says which one, not what it is.
    key = _TRAILING_NUMBER.sub("", key)
    if key.endswith(("email", "emailaddress", "mail")):
        return "email"
    if key.endswith(("phone", "mobile", "tel", "gsm", "cell", "number")) and "id" not in key:
        return "phone"
    return ""


@dataclass(frozen=True)
class Suggestion:
    """What the mapping page proposes for one column, and why. A suggestion that is not
    selected is offered (named in the column's help) but the column is not imported unless the
    user picks the field."""

    header: str
    target: str
    reason: str
    is_selected: bool = True


@dataclass(frozen=True)
class Rule:
    """How one exporter's column (a full-match, case-insensitive pattern) maps to a field."""

    pattern: str
    target: str
    is_selected: bool = True
    why: object = ""


@dataclass(frozen=True)
class Exporter:
    """A contact exporter whose files we recognise from their header row."""

    name: object
    detect: Callable[[set[str]], bool]
    rules: tuple[Rule, ...]

    def rule_for(self, header: str) -> Rule | None:
        for rule in self.rules:
            if re.fullmatch(rule.pattern, header.strip(), flags=re.IGNORECASE):
                return rule
        return None


_NO_FIELD = gettext_lazy("Centric has no field for it")
_SALUTATION = gettext_lazy(
    "a salutation such as Mrs. or Chief, not a job title; Centric has no field for it"
)
_KIND_OF = gettext_lazy(
    "the label of the value beside it (Home, Work, Mobile), stored with that value"
)
_GROUPS = gettext_lazy(
    "groups become tags only if you choose Tags; system groups (* myContacts, * starred) never do"
)
_OWNER_NAMES = gettext_lazy(
    "owners are written as names; choose Owner only if they are Centric usernames or emails"
)
_LAST_MODIFIED = gettext_lazy(
    "when the row last changed there: a value your staff edited after it is kept"
)
_ONE_ADDRESS = gettext_lazy("one address is imported per person: the first address")
_OPTED_OUT = gettext_lazy(
    "an opt-out flag, not an email address: 1 (true) records that consent to marketing by "
    "email was withdrawn; 0 records nothing"
)
_STAGES = gettext_lazy(
    "its stages are matched to yours: Marketing and Sales Qualified Lead to Qualified, "
    "Evangelist to Customer; a stage you do not have is reported and the row kept"
)

_GOOGLE_RULES = (
    Rule(r"name", "full_name"),
    Rule(r"(given|first) name", "first_name"),
    Rule(r"(additional|middle) name", "middle_name"),
    Rule(r"(family|last) name", "last_name"),
    Rule(r".*yomi.*|phonetic .*", "", why=gettext_lazy("a phonetic spelling of the name")),
    Rule(r"name prefix", "", why=_SALUTATION),
    Rule(r"name suffix|nickname|file as|short name|initials|maiden name", "", why=_NO_FIELD),
    Rule(r"birthday", "date_of_birth"),
    Rule(r"gender", "gender"),
    Rule(r"group membership|labels", "tags", is_selected=False, why=_GROUPS),
    Rule(r"e-mail \d+ - value", "email"),
    Rule(r"phone \d+ - value", "phone"),
    Rule(
        r"(e-mail|phone|address|website|organization|relation|event|im) \d+ - (type|label)",
        "",
        why=_KIND_OF,
    ),
    Rule(r"address 1 - street", "street"),
    Rule(r"address 1 - city", "city"),
    Rule(r"address 1 - region", "state"),
    Rule(r"address 1 - postal code", "postal_code"),
    Rule(r"address 1 - country", "country"),
    Rule(
        r"address 1 - (formatted|po box|extended address)",
        "",
        why=gettext_lazy("the address is imported from its street, city and region columns"),
    ),
    Rule(r"address \d+ - .*", "", why=_ONE_ADDRESS),
    Rule(r"organization( 1 -)? name", "organisation"),
    Rule(r"organization( 1 -)? title", "role"),
    Rule(r"website \d+ - value", "website"),
    Rule(r"notes|photo", "", why=_NO_FIELD),
)

EXPORTERS = (
    Exporter(
        gettext_lazy("HubSpot"),
        lambda h: "recordid" in h and bool(h & {"lifecyclestage", "createdate", "contactowner"}),
        (
            Rule(r"record id", "external_id", why=gettext_lazy("HubSpot's id of the contact")),
            Rule(r"lifecycle stage", "lifecycle_stage", why=_STAGES),
            Rule(r"phone number|mobile phone number", "phone"),
            Rule(r"company name|associated company", "organisation"),
            Rule(r"street address", "street"),
            Rule(r"contact owner", "owner", is_selected=False, why=_OWNER_NAMES),
            Rule(r"last modified date", "last_modified", why=_LAST_MODIFIED),
            Rule(r".* ids?|.* date|lead status|marketing contact status", "", why=_NO_FIELD),
        ),
    ),
    Exporter(
        gettext_lazy("Salesforce"),
        lambda h: (
            "hasoptedoutofemail" in h
            or ("accountname" in h and bool(h & {"contactid", "id"}))
            or ("accountid" in h and "id" in h)
        ),
        (
            Rule(
                r"id|contact id", "external_id", why=gettext_lazy("Salesforce's id of the contact")
            ),
            Rule(
                r"has ?opted ?out ?of ?email|email opt out",
                "optout.marketing_email",
                why=_OPTED_OUT,
            ),
            Rule(r"do ?not ?call", "optout.marketing_phone"),
            Rule(r"has ?opted ?out ?of ?fax|fax opt out", "", why=_NO_FIELD),
            Rule(r"salutation", "", why=_SALUTATION),
            Rule(r"title", "role"),
            Rule(r"(mobile|home|other|assistant) ?phone|mobile", "phone"),
            Rule(r"fax", "", why=_NO_FIELD),
            Rule(r"account ?name", "organisation"),
            Rule(r"lead ?source", "source"),
            Rule(r"birth ?date", "date_of_birth"),
            Rule(r"mailing ?street", "street"),
            Rule(r"mailing ?city", "city"),
            Rule(r"mailing ?state(/province)?", "state"),
            Rule(r"mailing ?(zip|postal ?code)(/postal code)?", "postal_code"),
            Rule(r"mailing ?country", "country"),
            Rule(r"other ?(street|city|state|postal ?code|country).*", "", why=_ONE_ADDRESS),
            Rule(r"(contact )?owner( name)?", "owner", is_selected=False, why=_OWNER_NAMES),
            Rule(r"last ?modified ?date", "last_modified", why=_LAST_MODIFIED),
            Rule(
                r"(account|owner|reports ?to|master ?record|created ?by|last ?modified ?by) ?id",
                "",
                why=gettext_lazy("the id of another Salesforce record"),
            ),
        ),
    ),
    Exporter(
        gettext_lazy("Outlook"),
        lambda h: (
            "emailaddress" in h and bool(h & {"emaildisplayname", "businessphone", "homephone"})
        ),
        (
            Rule(r"title", "", why=_SALUTATION),
            Rule(r"suffix|initials|department|account", "", why=_NO_FIELD),
            Rule(r"company", "organisation"),
            Rule(r"job title", "role"),
            Rule(r"home street", "street"),
            Rule(r"home city", "city"),
            Rule(r"home state", "state"),
            Rule(r"home postal code", "postal_code"),
            Rule(r"home country/region", "country"),
            Rule(
                r"(business|other|home) (street|city|state|postal code|country).*",
                "",
                why=_ONE_ADDRESS,
            ),
            Rule(r"(primary|mobile|business|home|other|car) phone( \d+)?", "phone"),
            Rule(
                r"company main phone|assistant's phone",
                "",
                why=gettext_lazy("not the person's own number"),
            ),
            Rule(r".*fax|pager|isdn|telex|radio phone|tty/tdd phone|callback", "", why=_NO_FIELD),
            Rule(r"e-mail( \d+)? address", "email"),
            Rule(
                r"e-mail( \d+)? (type|display name)",
                "",
                why=gettext_lazy("how the email is shown in Outlook"),
            ),
            Rule(r"anniversary", "", why=_NO_FIELD),
            Rule(
                r"categories",
                "tags",
                is_selected=False,
                why=gettext_lazy("categories become tags only if you choose Tags"),
            ),
            Rule(r"(organizational|government) id number", "", why=_NO_FIELD),
            Rule(r"web page", "website"),
            Rule(r"notes|user \d", "", why=_NO_FIELD),
        ),
    ),
    Exporter(
        gettext_lazy("Google Contacts"),
        lambda h: "firstname" in h and bool(h & {"labels", "fileas", "email1label", "phone1label"}),
        _GOOGLE_RULES,
    ),
    Exporter(
        gettext_lazy("Google Contacts"),
        lambda h: (
            "givenname" in h
            and "familyname" in h
            and bool(h & {"groupmembership", "email1type", "phone1type"})
        ),
        _GOOGLE_RULES,
    ),
)


def label_columns(headers: list[str]) -> dict[int, int]:
    """Each value column that has a label column beside it, by index: Google's "E-mail 1 -
    Value" and "E-mail 1 - Label" (or "- Type"), a vCard's "phone 2" and "phone 2 label", any
    file's "Phone" and "Phone type". Outlook's "E-mail Type" (SMTP) labels no column."""
    by_name = {compact(h): i for i, h in reversed(list(enumerate(headers)))}
    pairs: dict[int, int] = {}
    for index, header in enumerate(headers):
        base = compact(header).removesuffix("value")
        if not base:
            continue
        for suffix in ("label", "type"):
            other = by_name.get(base + suffix)
            if other is not None and other != index:
                pairs[index] = other
                break
    return pairs


def exporter_of(headers: list[str]) -> Exporter | None:
    """The exporter that wrote a file with these headers, if we know it."""
    compacted = {compact(h) for h in headers}
    return next((e for e in EXPORTERS if e.detect(compacted)), None)


def suggest_columns(headers: list[str], record_type: str) -> list[Suggestion]:
    """Each column's suggested field and the reason; a single-valued field goes only to the first
    column claiming it."""
    available = targets(record_type)
    labels = {t.key: str(t.label) for t in available}
    exporter = exporter_of(headers) if record_type == RecordType.PEOPLE else None
    labelling = {headers[label] for label in label_columns(headers).values()}
    taken: set[str] = set()
    suggestions: list[Suggestion] = []
    for header in headers:
        rule = exporter.rule_for(header) if exporter is not None else None
        if rule is None and header in labelling:
            rule = Rule(re.escape(header), "", why=_KIND_OF)
        if exporter is not None:
            reason = _("%(source)s: %(column)s") % {"source": exporter.name, "column": header}
        else:
            reason = _("The column's name “%(column)s”") % {"column": header}
        if rule is not None and (not rule.target or rule.target in labels):
            target, is_selected = rule.target, rule.is_selected
            if rule.why:
                reason = f"{reason} — {rule.why}"
        else:
            rule = None
            target, is_selected = _guess(header, available), True
        if target and target not in MULTI and target in taken:
            reason = _("%(reason)s — %(field)s is already taken by an earlier column") % {
                "reason": reason,
                "field": labels[target],
            }
            is_selected = False
        if target and is_selected:
            taken.add(target)
        suggestions.append(
            Suggestion(header, target, reason if target or rule else "", is_selected)
        )
    return suggestions


def suggest_mapping(headers: list[str], record_type: str) -> dict[str, str]:
    """Each header's suggested target ("" for a column not imported unless the user picks it)."""
    return {
        s.header: s.target if s.is_selected else "" for s in suggest_columns(headers, record_type)
    }


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
