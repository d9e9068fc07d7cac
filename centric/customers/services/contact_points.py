"""Contact points and consent: normalised on the way in, so every channel can find the customer."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centric.core.normalise import normalise_email, normalise_phone
from centric.customers.choices import ConsentMethod, ConsentPurpose, ConsentStatus, ContactKind
from centric.customers.models import Consent, ContactPoint, Organisation, Person
from centric.customers.services.common import with_actor

CONTACT_FIELDS = {
    "kind",
    "value",
    "label",
    "is_primary",
    "is_verified",
    "street",
    "city",
    "state",
    "postal_code",
    "country",
}


def normalise_contact_value(kind: str, value: str, *, country: str = "") -> str:
    """The normalised form of a contact value (E.164, lower-cased email…), or ValidationError."""
    value = (value or "").strip()
    if kind in (ContactKind.PHONE, ContactKind.WHATSAPP):
        try:
            return normalise_phone(value, country or None)
        except ValidationError as error:
            raise ValidationError({"value": error.messages}) from error
    if kind == ContactKind.EMAIL:
        try:
            return normalise_email(value)
        except ValidationError as error:
            raise ValidationError({"value": error.messages}) from error
    if kind == ContactKind.WEBSITE:
        url = value if "://" in value else f"https://{value}"
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as error:
            raise ValidationError({"value": _("Enter a valid web address.")}) from error
        return url.lower()
    if kind == ContactKind.SOCIAL:
        return value.lower().lstrip("@")
    if kind == ContactKind.ADDRESS:
        return " ".join(value.lower().split())
    raise ValidationError({"kind": _("Unknown kind of contact point.")})


def normalise_point(point: ContactPoint) -> None:
    """Fill the derived values of an unsaved contact point (address text, normalised value)."""
    if point.kind == ContactKind.ADDRESS and not point.value:
        point.value = ", ".join(
            p
            for p in (point.street, point.city, point.state, point.postal_code, point.country)
            if p
        )
    if not point.value:
        raise ValidationError({"value": _("This field is required.")})
    if point.country:
        point.country = point.country.upper()
    point.value_normalized = normalise_contact_value(point.kind, point.value, country=point.country)


def _prepare(point: ContactPoint) -> None:
    normalise_point(point)
    point.full_clean()


def settle_primaries(points: list[ContactPoint]) -> tuple[list[ContactPoint], str, str]:
    """One primary per kind (phone and WhatsApp count as one, a marked WhatsApp stays primary),
    and the person's primary email and phone: the rule `refresh_primary_contacts` and the bulk
    path share. `points` are ordered primary first, then oldest; returns the points whose
    `is_primary` changed (already set on them), the email and the phone."""
    changed: list[ContactPoint] = []
    seen: set[str] = set()
    for point in points:
        kind = "phone" if point.kind in (ContactKind.PHONE, ContactKind.WHATSAPP) else point.kind
        should_be_primary = kind not in seen
        seen.add(kind)
        if point.is_primary != should_be_primary and not (
            point.kind == ContactKind.WHATSAPP and point.is_primary
        ):
            point.is_primary = should_be_primary
            changed.append(point)
    email = next((p.value_normalized for p in points if p.kind == ContactKind.EMAIL), "")
    phone = next(
        (p.value_normalized for p in points if p.kind in (ContactKind.PHONE, ContactKind.WHATSAPP)),
        "",
    )
    return changed, email, phone


def refresh_primary_contacts(record: Person | Organisation) -> None:
    """Keep one primary per kind and the person's denormalised primary email/phone (for lists)."""
    points = list(record.contact_points.order_by("-is_primary", "id"))
    changed, email, phone = settle_primaries(points)
    for point in changed:
        ContactPoint.objects.filter(pk=point.pk).update(is_primary=point.is_primary)
    if isinstance(record, Person) and (email, phone) != (
        record.primary_email,
        record.primary_phone,
    ):
        Person.objects.filter(pk=record.pk).update(primary_email=email, primary_phone=phone)
        record.primary_email, record.primary_phone = email, phone


@transaction.atomic
def contact_point_add(
    *, owner: Person | Organisation, actor: Any = None, refresh: bool = True, **fields: Any
) -> ContactPoint:
    unknown = set(fields) - CONTACT_FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    point = ContactPoint(**{k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()})
    if isinstance(owner, Person):
        point.person = owner
    else:
        point.organisation = owner
    _prepare(point)
    duplicate: ContactPoint | None = owner.contact_points.filter(
        kind=point.kind, value_normalized=point.value_normalized
    ).first()
    if duplicate is not None:
        return duplicate
    if point.is_primary:
        owner.contact_points.filter(kind=point.kind, is_primary=True).update(is_primary=False)
    with_actor(point, actor)
    point.save()
    if refresh:
        refresh_primary_contacts(owner)
    return point


@transaction.atomic
def contact_point_update(*, point: ContactPoint, actor: Any = None, **fields: Any) -> ContactPoint:
    unknown = set(fields) - CONTACT_FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    for name, value in fields.items():
        setattr(point, name, value.strip() if isinstance(value, str) else value)
    _prepare(point)
    owner = cast("Person | Organisation", point.person or point.organisation)  # one is set
    if point.is_primary:
        owner.contact_points.filter(kind=point.kind, is_primary=True).exclude(pk=point.pk).update(
            is_primary=False
        )
    with_actor(point, actor)
    point.save()
    refresh_primary_contacts(owner)
    return point


@transaction.atomic
def contact_point_remove(*, point: ContactPoint, actor: Any = None) -> None:
    owner = cast("Person | Organisation", point.person or point.organisation)  # one is set
    with_actor(point, actor)
    point.delete()
    refresh_primary_contacts(owner)


@transaction.atomic
def consent_record(
    *,
    person: Person,
    purpose: str,
    status: str,
    method: str,
    actor: Any = None,
    ip_address: str | None = None,
    text_shown: str = "",
    recorded_at: dt.datetime | None = None,
) -> Consent:
    """Record a person's answer for one purpose; the previous answer stays in the history."""
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": _("Unknown consent purpose.")})
    if status not in ConsentStatus.values:
        raise ValidationError({"status": _("Unknown consent status.")})
    if method not in ConsentMethod.values:
        raise ValidationError({"method": _("Unknown way of recording consent.")})
    consent = Consent.objects.filter(person=person, purpose=purpose).first() or Consent(
        person=person, purpose=purpose
    )
    consent.status = status
    consent.method = method
    consent.ip_address = ip_address or None
    consent.text_shown = text_shown or ""
    consent.recorded_at = recorded_at or timezone.now()
    consent.recorded_by = (
        actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    )
    consent.full_clean(validate_constraints=False)
    with_actor(consent, actor)
    consent.save()
    return consent
