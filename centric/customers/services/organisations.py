"""Organisations and people's memberships in them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from centric.core.errors import DuplicateError
from centric.core.search import search_key
from centric.customers.models import Membership, Organisation, Person
from centric.customers.services.common import (
    EXTERNAL_ID_UNUSABLE,
    apply_fields,
    check_external_id,
    check_version,
    clean_custom_fields,
    lock,
    set_tags,
    with_actor,
)

ORGANISATION_FIELDS = {
    "name",
    "industry",
    "external_id",
    "owner",
    "owner_id",
    "team",
    "team_id",
    "lifecycle_stage",
    "lifecycle_stage_id",
    "source",
    "campaign",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
}


def _save(organisation: Organisation, actor: Any) -> None:
    organisation.search_name = search_key(organisation.name)[:400]
    organisation.full_clean(validate_constraints=False)
    check_external_id(organisation, actor)
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError as error:  # taken since the check: whose it is is not looked up
        raise DuplicateError(str(EXTERNAL_ID_UNUSABLE)) from error


@transaction.atomic
def organisation_create(
    *,
    actor: Any = None,
    custom_fields: dict[str, Any] | None = None,
    tags: list[str] | None = None,
    contact_points: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Organisation:
    from centric.customers.services.contact_points import contact_point_add

    organisation = Organisation()
    apply_fields(organisation, fields, ORGANISATION_FIELDS)
    if (
        organisation.owner_id is None
        and actor is not None
        and getattr(actor, "is_authenticated", False)
    ):
        organisation.owner = actor
        if organisation.team_id is None:
            organisation.team_id = actor.team_id
    organisation.custom_fields = clean_custom_fields("organisation", custom_fields)
    with_actor(organisation, actor)
    _save(organisation, actor)
    set_tags(organisation, tags)
    errors: dict[str, list[str]] = {}
    for index, point in enumerate(contact_points or []):
        try:
            contact_point_add(owner=organisation, actor=actor, **point)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(f"contact_points.{index}.{field}", []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return organisation


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    actor: Any = None,
    expected_version: int | None = None,
    custom_fields: dict[str, Any] | None = None,
    tags: list[str] | None = None,
    **fields: Any,
) -> Organisation:
    current = lock(Organisation, organisation.pk)
    check_version(current, expected_version)
    apply_fields(current, fields, ORGANISATION_FIELDS)
    if custom_fields is not None:
        current.custom_fields = clean_custom_fields(
            "organisation", custom_fields, current.custom_fields
        )
    current.version += 1
    with_actor(current, actor)
    _save(current, actor)
    set_tags(current, tags)
    return current


@transaction.atomic
def membership_set(
    *, person: Person, organisation: Organisation, role: str = "", is_primary: bool = False
) -> Membership:
    """Add a person to an organisation, or update their role there."""
    if len(role) > 150:
        raise ValidationError({"role": _("At most 150 characters.")})
    membership, _created = Membership.objects.update_or_create(
        person=person,
        organisation=organisation,
        defaults={"role": role.strip(), "is_primary": is_primary},
    )
    if is_primary:
        Membership.objects.filter(person=person, is_primary=True).exclude(pk=membership.pk).update(
            is_primary=False
        )
    return membership


@transaction.atomic
def organisation_delete(*, organisation: Organisation, actor: Any = None) -> None:
    """Delete an organisation; people stay, their memberships of it go."""
    with_actor(organisation, actor)
    organisation.delete()


@transaction.atomic
def membership_remove(*, person: Person, organisation: Organisation) -> None:
    """Take a person out of an organisation (the person and the organisation stay)."""
    Membership.objects.filter(person=person, organisation=organisation).delete()
