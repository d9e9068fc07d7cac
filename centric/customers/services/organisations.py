"""Organisations and people's memberships in them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from typing_extensions import Unpack

from centric.core.kit.features import searchable_custom_text
from centric.core.kit.services import UNSET, delete_record
from centric.core.search import search_key
from centric.customers.models import Membership, Organisation, Person
from centric.customers.services.common import CustomerValues, create_customer, update_customer


def organisation_search_name(organisation: Any) -> str:
    """The search key of an organisation: its name, then its searchable custom fields."""
    custom = searchable_custom_text("organisation", getattr(organisation, "custom_fields", None))
    return search_key(f"{organisation.name or ''} {custom}")[:400]


def _prepare(organisation: Organisation) -> None:
    organisation.search_name = organisation_search_name(organisation)


@transaction.atomic
def organisation_create(
    *,
    actor: Any = None,
    name: str,
    industry: str = "",
    contact_points: list[dict[str, Any]] | None = None,
    **values: Unpack[CustomerValues],
) -> Organisation:
    """Create an organisation with its contact points, in one transaction."""
    return create_customer(
        Organisation(),
        function="organisation_create",
        actor=actor,
        own={"name": name, "industry": industry or ""},
        values=values,
        contact_points=contact_points,
        prepare=_prepare,
    )


@transaction.atomic
def organisation_update(
    organisation: Organisation,
    *,
    actor: Any = None,
    expected_version: int | None = None,
    name: str = UNSET,
    industry: str = UNSET,
    **values: Unpack[CustomerValues],
) -> Organisation:
    """Update an organisation; a stale `expected_version` fails instead of overwriting."""
    return update_customer(
        organisation,
        function="organisation_update",
        actor=actor,
        expected_version=expected_version,
        own={"name": name, "industry": industry},
        values=values,
        prepare=_prepare,
    )


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
def organisation_delete(organisation: Organisation, *, actor: Any = None) -> None:
    """Delete an organisation; people stay, their memberships of it go."""
    delete_record(organisation, actor=actor)


@transaction.atomic
def membership_remove(*, person: Person, organisation: Organisation) -> None:
    """Take a person out of an organisation (the person and the organisation stay)."""
    Membership.objects.filter(person=person, organisation=organisation).delete()
