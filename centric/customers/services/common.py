"""What the person and organisation services share, written once: the keyword parameters of a
customer record (ownership, lifecycle, acquisition, external id, custom fields, tags), and the
create and update flows built on the record kit's helpers (centric.core.kit.services)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from django.core.exceptions import ValidationError

from centric.core.kit.services import (
    EXTERNAL_ID_UNUSABLE,
    UNSET,
    bump_version,
    check_external_id,
    check_version,
    clean_custom_fields,
    default_ownership,
    external_id_refusal,
    lock,
    save_record,
    set_given,
    set_tags,
    with_actor,
)

if TYPE_CHECKING:
    from centric.customers.models import LifecycleStage, Organisation, Person
    from centric.staff.models import Team, User

__all__ = [
    "EXTERNAL_ID_UNUSABLE",
    "CustomerValues",
    "check_external_id",
    "check_version",
    "clean_custom_fields",
    "create_customer",
    "external_id_refusal",
    "lock",
    "set_tags",
    "update_customer",
    "with_actor",
]

Customer = TypeVar("Customer", "Person", "Organisation")


class CustomerValues(TypedDict, total=False):
    """The keyword parameters every customer record's services take, besides its own fields.

    Not given: the default in a create, unchanged in an update. A foreign key may be the record
    or its key (`owner=7`, `lifecycle_stage="lead"`), as the API sends it."""

    owner: User | int | None
    team: Team | int | None
    lifecycle_stage: LifecycleStage | str | None
    source: str
    campaign: str
    utm_source: str
    utm_medium: str
    utm_campaign: str
    utm_term: str
    utm_content: str
    external_id: str | None
    custom_fields: dict[str, Any] | None
    tags: list[str] | None


_CUSTOMER_KEYS = frozenset(CustomerValues.__annotations__)


def _checked(function: str, values: dict[str, Any]) -> dict[str, Any]:
    """Refuse a keyword the services do not take, as Python would (a TypedDict is not checked
    when the program runs)."""
    unknown = sorted(set(values) - _CUSTOMER_KEYS)
    if unknown:
        raise TypeError(f"{function}() got an unexpected keyword argument '{unknown[0]}'")
    return {name: value for name, value in values.items() if value is not UNSET}


def _add_contact_points(
    record: Person | Organisation, actor: Any, contact_points: list[dict[str, Any]]
) -> None:
    """The record's first contact points; every point's errors are reported at once, keyed
    `contact_points.<index>.<field>`."""
    from centric.customers.services.contact_points import (
        contact_point_add,
        refresh_primary_contacts,
    )

    errors: dict[str, list[str]] = {}
    for index, point in enumerate(contact_points):
        try:
            contact_point_add(owner=record, actor=actor, refresh=False, **point)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(f"contact_points.{index}.{field}", []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if contact_points:
        refresh_primary_contacts(record)


def create_customer(
    record: Customer,
    *,
    function: str,
    actor: Any,
    own: dict[str, Any],
    values: CustomerValues,
    contact_points: list[dict[str, Any]] | None,
    prepare: Callable[[Customer], None],
) -> Customer:
    """The create flow people and organisations share (the caller holds the transaction):
    assign, default ownership, custom fields, the type's own checks and derived values
    (`prepare`), validate and save, tags, contact points."""
    given = _checked(function, dict(values))
    custom_fields = given.pop("custom_fields", None)
    tags = given.pop("tags", None)
    set_given(record, **own, **given)
    default_ownership(record, actor)
    record.custom_fields = clean_custom_fields(record, custom_fields)
    prepare(record)
    save_record(record, actor=actor)
    set_tags(record, tags)
    _add_contact_points(record, actor, contact_points or [])
    return record


def update_customer(
    record: Customer,
    *,
    function: str,
    actor: Any,
    expected_version: int | None,
    own: dict[str, Any],
    values: CustomerValues,
    prepare: Callable[[Customer], None],
) -> Customer:
    """The update flow people and organisations share (the caller holds the transaction):
    lock, check the version, assign what was given, merge custom fields, bump the version,
    validate and save, tags."""
    given = _checked(function, dict(values))
    custom_fields = given.pop("custom_fields", None)
    tags = given.pop("tags", None)
    current = lock(type(record), record.pk)
    check_version(current, expected_version)
    set_given(current, **own, **given)
    if custom_fields is not None:
        current.custom_fields = clean_custom_fields(current, custom_fields)
    prepare(current)
    bump_version(current)
    save_record(current, actor=actor)
    set_tags(current, tags)
    return current
