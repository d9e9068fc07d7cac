"""The cards of a person's and an organisation's page, as record-kit panels (registered in
records.py): contact details, organisations, consent, members. Each reads what the page's
record already holds (prefetched by `detail_record`) or through the visibility rule.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from centric.core.kit.pages import DEFAULT_PAGE_SIZE, DetailAction, may_change
from centric.core.pagination import keyset_page
from centric.customers.choices import ConsentPurpose
from centric.customers.models import Person
from centric.customers.selectors import people_visible

# The contact-point pages' URL names, by owner kind (urls.py names them).
CONTACT_URL_PREFIX = {"person": "customers:", "organisation": "customers:organisation_"}


def contacts(request: HttpRequest, record: Any) -> dict[str, Any]:
    user = request.user
    can_change = may_change(request, record)
    prefix = CONTACT_URL_PREFIX["person" if isinstance(record, Person) else "organisation"]
    return {
        "owner": record,
        "contact_points": list(record.contact_points.all()),
        "can_add": can_change and user.has_perm("customers.add_contactpoint"),
        "can_edit": can_change and user.has_perm("customers.change_contactpoint"),
        "can_remove": can_change and user.has_perm("customers.delete_contactpoint"),
        "add_url_name": f"{prefix}contact_point_add",
        "edit_url_name": f"{prefix}contact_point_edit",
        "remove_url_name": f"{prefix}contact_point_remove",
    }


# What a needs-attention item's "field" names, in words.
ATTENTION_FIELDS = {
    "name": _("Name"),
    "date_of_birth": _("Date of birth"),
    "email": _("Email"),
    "phone": _("Phone"),
    "whatsapp": _("WhatsApp"),
    "website": _("Website"),
    "social": _("Social"),
}


def attention(request: HttpRequest, record: Any) -> dict[str, Any] | None:
    """The values kept as typed that need attention (decision 0055); no card when none does."""
    items = record.attention_items
    if not items:
        return None
    key = "person" if isinstance(record, Person) else "organisation"
    return {
        "record": record,
        "items": [
            {
                "field": item.get("field", ""),
                "label": ATTENTION_FIELDS.get(str(item.get("field", "")), item.get("field", "")),
                "value": item.get("value", ""),
                "reason": item.get("reason", ""),
            }
            for item in items
        ],
        "can_change": may_change(request, record),
        "edit_url_name": f"customers:{key}_update",
        "settle_url_name": f"{CONTACT_URL_PREFIX[key]}attention_settle",
    }


def memberships(request: HttpRequest, person: Any) -> dict[str, Any]:
    """The organisations the person belongs to that the viewer may see."""
    user = request.user
    can_change = may_change(request, person)
    return {
        "person": person,
        "memberships": list(person.memberships.all()),
        "can_add": can_change and user.has_perm("customers.add_membership"),
        "can_remove": can_change and user.has_perm("customers.delete_membership"),
    }


def consent(request: HttpRequest, person: Any) -> dict[str, Any]:
    recorded = {item.purpose: item for item in person.consents.all()}
    return {
        "person": person,
        "consent_rows": [
            (value, label, recorded.get(value)) for value, label in ConsentPurpose.choices
        ],
        "can_record": may_change(request, person)
        and request.user.has_perm("customers.add_consent"),
    }


MEMBER_ORDER = ["last_name", "first_name", "id"]


def members(request: HttpRequest, organisation: Any) -> dict[str, Any]:
    """The organisation's people the viewer may see, a keyset page at a time, with their role."""
    queryset = (
        people_visible(request.user)
        .filter(memberships__organisation=organisation)
        .select_related("lifecycle_stage")
    )
    page = keyset_page(
        queryset, ordering=MEMBER_ORDER, cursor=request.GET.get("cursor"), size=DEFAULT_PAGE_SIZE
    )
    roles = dict(
        organisation.memberships.filter(person__in=[p.pk for p in page.items]).values_list(
            "person_id", "role"
        )
    )
    for member in page.items:
        member.role = roles.get(member.pk, "")
    return {"organisation": organisation, "member_page": page}


def person_profile(person: Any) -> list[tuple[Any, Any]]:
    """The person's Details card: the stage, where they came from, who they are."""
    rows: list[tuple[Any, Any]] = [(_("Lifecycle stage"), person.lifecycle_stage)]
    if person.lost_at or person.lost_to:
        lost = date_format(person.lost_at, "j M Y") if person.lost_at else ""
        if person.lost_to:
            lost = f"{lost} · {_('to %(competitor)s') % {'competitor': person.lost_to}}"
        rows.append((_("Lost"), lost.strip(" ·")))
    rows.append((_("Source"), person.source))
    optional = (
        (_("Campaign"), person.campaign),
        (_("UTM source"), person.utm_source),
        (_("UTM medium"), person.utm_medium),
        (_("UTM campaign"), person.utm_campaign),
        (_("UTM term"), person.utm_term),
        (_("UTM content"), person.utm_content),
        (
            _("Date of birth"),
            date_format(person.date_of_birth, "j F Y") if person.date_of_birth else "",
        ),
        (_("Gender"), person.get_gender_display() if person.gender else ""),
        (_("Language"), person.preferred_language),
    )
    rows += [(label, value) for label, value in optional if value]
    return rows


def organisation_profile(organisation: Any) -> list[tuple[Any, Any]]:
    rows: list[tuple[Any, Any]] = [(_("Source"), organisation.source)]
    if organisation.campaign:
        rows.append((_("Campaign"), organisation.campaign))
    return rows


def person_actions(request: HttpRequest, person: Any) -> list[DetailAction]:
    if not request.user.has_perm("customers.export_person"):
        return []
    return [DetailAction("vCard", f"/imports/export/person/{person.pk}.vcf", icon="download")]


def merged_survivor(user: Any, pk: int) -> int | None:
    """The surviving record a visible, merged-away person now lives in, if any."""
    return (
        Person.objects.visible_to(user, include_merged=True)
        .filter(pk=pk, merged_into__isnull=False)
        .values_list("merged_into_id", flat=True)
        .first()
    )
