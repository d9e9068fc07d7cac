"""The customer API's schemas: what people, organisations and their parts look like on the wire.

Every schema name is unique in the OpenAPI document (one schema per name), inputs forbid unknown
fields and bound every string, and the list filters carry the `cf.…` parameters' documentation.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, IPvAnyAddress

from centric.core.api.pagination import PageParams
from centric.core.api.types import CustomFields, Day, Id, Moment, text
from centric.customers.choices import ConsentMethod, ConsentPurpose, ConsentStatus, ContactKind
from centric.customers.choices import Gender as GenderChoice
from centric.customers.filters import ORGANISATION_SORTS, PERSON_SORTS
from centric.customers.models import ContactPoint, Membership, Person
from centric.extras.filters import ALL_LOOKUPS, lookups_help

Gender = Literal[tuple(GenderChoice.values) + ("",)]
Kind = Literal[tuple(ContactKind.values)]
Purpose = Literal[tuple(ConsentPurpose.values)]
ConsentState = Literal[tuple(ConsentStatus.values)]
Method = Literal[tuple(ConsentMethod.values)]
PersonSort = Literal[tuple(PERSON_SORTS)]
OrganisationSort = Literal[tuple(ORGANISATION_SORTS)]
TagName = Annotated[str, Field(min_length=1, max_length=60)]
StageKey = Annotated[str, Field(max_length=40)]

FORBID = ConfigDict(extra="forbid")


# --- Output schemas ---------------------------------------------------------------------------


class ContactPointOut(Schema):
    id: int
    kind: str
    value: str
    value_normalized: str
    label: str
    is_primary: bool
    is_verified: bool
    street: str
    city: str
    state: str
    postal_code: str
    country: str
    created_at: dt.datetime
    updated_at: dt.datetime


class MembershipOut(Schema):
    id: int
    person_id: int
    person_name: str
    organisation_id: int
    organisation_name: str
    role: str
    is_primary: bool

    @staticmethod
    def resolve_person_name(obj: Membership) -> str:
        return obj.person.full_name

    @staticmethod
    def resolve_organisation_name(obj: Membership) -> str:
        return obj.organisation.name


class ConsentOut(Schema):
    id: int
    purpose: str
    status: str
    recorded_at: dt.datetime
    method: str
    ip_address: str | None
    text_shown: str
    recorded_by_id: int | None


class AttentionOut(Schema):
    """A value kept as typed on the record because it could not be read (decision 0055)."""

    field: str = Field(description="What the value was for: phone, email, date_of_birth…")
    value: str = Field(description="The value as typed.")
    reason: str


class AttentionSettleIn(Schema):
    """The value dealt with, as the record's `needs_attention` lists it."""

    model_config = FORBID
    field: text(40, min_length=1)
    value: text(10_000)


class RecordOut(Schema):
    id: int
    external_id: str | None
    owner_id: int | None
    team_id: int | None
    lifecycle_stage: str | None
    source: str
    campaign: str
    utm_source: str
    utm_medium: str
    utm_campaign: str
    utm_term: str
    utm_content: str
    custom_fields: dict[str, Any]
    tags: list[str]
    contact_points: list[ContactPointOut]
    needs_attention: list[AttentionOut] = Field(
        description="Values kept as typed that need attention (empty when none does)."
    )
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_lifecycle_stage(obj: Any) -> str | None:
        return obj.lifecycle_stage_id

    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        names = getattr(obj, "api_tag_names", None)
        return names if names is not None else [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_needs_attention(obj: Any) -> list[dict[str, str]]:
        return [
            {key: str(item.get(key, "")) for key in ("field", "value", "reason")}
            for item in obj.attention_items
        ]

    @staticmethod
    def resolve_contact_points(obj: Any) -> list[ContactPoint]:
        points = getattr(obj, "api_contact_points", None)
        return points if points is not None else list(obj.contact_points.all())


class PersonOut(RecordOut):
    first_name: str
    middle_name: str
    last_name: str
    full_name: str
    date_of_birth: dt.date | None
    gender: str
    preferred_language: str
    primary_email: str
    primary_phone: str


class OrganisationOut(RecordOut):
    name: str
    industry: str


class PeoplePage(Schema):
    items: list[PersonOut]
    next_cursor: str | None
    previous_cursor: str | None


class OrganisationPage(Schema):
    items: list[OrganisationOut]
    next_cursor: str | None
    previous_cursor: str | None


class PersonSearchHit(Schema):
    """A person in search results (unique name: the OpenAPI document has one schema per name)."""

    id: int
    full_name: str
    primary_email: str
    primary_phone: str
    lifecycle_stage: str | None

    @staticmethod
    def resolve_lifecycle_stage(obj: Person) -> str | None:
        return obj.lifecycle_stage_id


class OrganisationSearchHit(Schema):
    id: int
    name: str


class SearchOut(Schema):
    query: str
    matched_by: str = Field(
        description=(
            "phone (a number, or its last six or more digits), email (an address, its start or"
            " its domain), name, or similar (no name matched as typed: nicknames, small typos)."
        )
    )
    people: list[PersonSearchHit]
    organisations: list[OrganisationSearchHit]


class StageOut(Schema):
    key: str
    label: str
    position: int
    counts_as_customer: bool


# --- Input schemas ----------------------------------------------------------------------------


class ContactPointIn(Schema):
    model_config = FORBID
    kind: Kind
    value: text(500) = ""
    label: text(50) = ""
    is_primary: bool = False
    is_verified: bool = False
    street: text(255) = ""
    city: text(100) = ""
    state: text(100) = ""
    postal_code: text(20) = ""
    country: text(2) = ""


class ContactPointPatch(Schema):
    model_config = FORBID
    kind: Kind = None
    value: text(500) = None
    label: text(50) = None
    is_primary: bool = None  # type: ignore[assignment]  # None: not given
    is_verified: bool = None  # type: ignore[assignment]
    street: text(255) = None
    city: text(100) = None
    state: text(100) = None
    postal_code: text(20) = None
    country: text(2) = None


class RecordFieldsIn(Schema):
    """Fields people and organisations share; unset fields keep their default (or current) value."""

    model_config = FORBID
    external_id: text(100) | None = None
    owner_id: Id | None = None
    team_id: Id | None = None
    lifecycle_stage: StageKey | None = None
    source: text(100) = None
    campaign: text(150) = None
    utm_source: text(150) = None
    utm_medium: text(150) = None
    utm_campaign: text(150) = None
    utm_term: text(150) = None
    utm_content: text(150) = None
    custom_fields: CustomFields = None  # type: ignore[assignment]  # None: not given
    tags: Annotated[list[TagName], Field(max_length=50)] = None  # type: ignore[assignment]


class PersonFields(RecordFieldsIn):
    first_name: text(100) = None
    middle_name: text(100) = None
    last_name: text(100) = None
    date_of_birth: Day | None = None
    gender: Gender = None
    preferred_language: text(20) = None


class PersonIn(PersonFields):
    contact_points: Annotated[list[ContactPointIn], Field(max_length=50)] = []


class PersonPatch(PersonFields):
    version: Annotated[int, Field(ge=1, le=2**31 - 1)] = Field(  # type: ignore[assignment]  # None: not given
        None, description="The version you edited; a stale one is refused with 409."
    )


class OrganisationFields(RecordFieldsIn):
    industry: text(100) = None


class OrganisationIn(OrganisationFields):
    name: text(200, min_length=1)
    contact_points: Annotated[list[ContactPointIn], Field(max_length=50)] = []


class OrganisationPatch(OrganisationFields):
    name: text(200, min_length=1) = None
    version: Annotated[int, Field(ge=1, le=2**31 - 1)] = Field(  # type: ignore[assignment]  # None: not given
        None, description="The version you edited; a stale one is refused with 409."
    )


class MembershipIn(Schema):
    model_config = FORBID
    organisation_id: Id
    role: text(150) = ""
    is_primary: bool = False


class ConsentIn(Schema):
    model_config = FORBID
    purpose: Purpose
    status: ConsentState
    method: Method = ConsentMethod.API.value
    ip_address: IPvAnyAddress | None = None
    text_shown: text(5000) = ""
    recorded_at: Moment | None = None


class ListFilters(PageParams):
    q: text(200) | None = Field(None, description="Name prefix, email or phone in any format.")
    stage: StageKey | None = Field(None, description="Lifecycle stage key.")
    owner: Annotated[str, Field(pattern=r"^(me|none|[1-9][0-9]{0,17})$")] | None = Field(
        None, description="`me`, `none` or a user id."
    )
    team: Id | None = None
    tag: text(70) | None = Field(None, description="Tag slug.")
    source: text(100) | None = None
    created_after: Day | None = None
    created_before: Day | None = None
    needs_attention: bool | None = Field(
        None, description="Only records holding a value kept as typed that needs attention."
    )


class PeopleFilters(ListFilters):
    organisation: Id | None = Field(None, description="Members of this organisation.")
    sort: PersonSort = "name"


class OrganisationFilters(ListFilters):
    sort: OrganisationSort = "name"


CF_LOOKUPS_HELP = (
    "Custom-field filters: `cf.<key>=<value>` (equals) or `cf.<key>__<lookup>=<value>`, for a "
    "defined custom field, e.g. `cf.loyalty_tier=gold`, `cf.visits__gte=3`. Each field type "
    "allows only these lookups: " + lookups_help() + ". Another lookup, an unknown field or a "
    "value the field cannot hold is a 422 problem naming the parameter."
)
CF_HELP = (
    " Filter on custom fields with `cf.<key>` parameters (the `cf` parameter lists the lookups "
    "each field type allows). Sorted and paginated by cursor."
)
# The `cf.…` parameters, which the filter schemas cannot declare, as one free-form parameter.
CF_OPENAPI = {
    "parameters": [
        {
            "name": "cf",
            "in": "query",
            "required": False,
            "style": "form",
            "explode": True,
            "description": CF_LOOKUPS_HELP,
            "schema": {
                "type": "object",
                "propertyNames": {
                    "pattern": r"^cf\.[A-Za-z0-9_-]+(__(" + "|".join(ALL_LOOKUPS) + "))?$"
                },
                "additionalProperties": {"type": "string", "maxLength": 200},
            },
        }
    ]
}
