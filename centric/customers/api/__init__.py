"""The customer record over the API: people, organisations, contact points, memberships, consent.

Thin adapters: reads go through `selectors` and `filters` (so through the one visibility rule),
writes through `services`. A record one may not see is a 404, exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Literal, TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Header, Path, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict, IPvAnyAddress

from centric.core.api.idempotency import idempotent
from centric.core.api.pagination import PageParams, page_body, page_of
from centric.core.api.parser import query_params
from centric.core.api.permissions import require_change, require_model_perm
from centric.core.api.records import RecordHistoryEntry
from centric.core.api.render import to_json
from centric.core.api.types import MAX_ID, ApiRequest, CustomFields, Day, Id, Moment, text
from centric.core.prepared import fetch_many, to_instances
from centric.customers import selectors, services
from centric.customers.choices import ConsentMethod, ConsentPurpose, ConsentStatus, ContactKind
from centric.customers.choices import Gender as GenderChoice
from centric.customers.filters import (
    ORGANISATION_SORTS,
    PERSON_SORTS,
    filter_organisations,
    filter_people,
)
from centric.customers.models import (
    Consent,
    ContactPoint,
    LifecycleStage,
    Membership,
    Organisation,
    Person,
)
from centric.extras.filters import ALL_LOOKUPS, lookups_help
from centric.extras.models import Tag

people_router = Router()
organisations_router = Router()
stages_router = Router()
search_router = Router()

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
_Customer = TypeVar("_Customer", Person, Organisation)


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
    matched_by: str
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


# --- Helpers ----------------------------------------------------------------------------------


def _filter_params(request: ApiRequest, filters: ListFilters) -> dict[str, str]:
    params = {key: value for key, value in query_params(request).items() if key.startswith("cf.")}
    for key, value in filters.dict(exclude={"cursor", "limit"}).items():
        if value is None:
            continue
        params[key] = value.isoformat() if isinstance(value, dt.date) else str(value)
    return params


def _record_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Schema names -> service keyword arguments (a foreign key goes by its key)."""
    for name in ("owner", "team"):
        if f"{name}_id" in data:
            data[name] = data.pop(f"{name}_id")
    if "lifecycle_stage" in data:
        data["lifecycle_stage"] = data["lifecycle_stage"] or None
    return data


def _expected_version(body_version: int | None, if_match: str | None) -> int | None:
    if body_version is not None:
        return body_version
    if not if_match or if_match.strip() == "*":
        return None
    value = if_match.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not value.isdigit() or len(value) > 9:
        raise ValidationError({"If-Match": _('Send the version as If-Match: "<version>".')})
    return int(value)


def _etag(response: HttpResponse, record: Any) -> None:
    response["ETag"] = f'"{record.version}"'


@dataclass(frozen=True)
class _Customers(Generic[_Customer]):
    """What the shared endpoint bodies need to know of one customer record type."""

    model: type[_Customer]
    out: type[Schema]
    filter: Callable[..., tuple[Any, list[str]]]
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., None]


PEOPLE = _Customers(
    Person, PersonOut, filter_people, services.person_create, services.person_update,
    services.person_delete,
)  # fmt: skip
ORGANISATIONS = _Customers(
    Organisation, OrganisationOut, filter_organisations, services.organisation_create,
    services.organisation_update, services.organisation_delete,
)  # fmt: skip


def _list_records(
    request: ApiRequest, customers: _Customers[_Customer], filters: ListFilters
) -> Any:
    user = request.auth
    require_model_perm(user, customers.model, "view")
    visible = customers.model.objects.visible_to(user).prefetch_related("tags", "contact_points")
    queryset, ordering = customers.filter(visible, _filter_params(request, filters), user)
    return page_body(
        page_of(queryset, ordering=ordering, cursor=filters.cursor, limit=filters.limit)
    )


def _create_record(request: ApiRequest, customers: _Customers[_Customer], payload: Schema) -> Any:
    user = request.auth
    require_model_perm(user, customers.model, "add")

    def create() -> tuple[int, str]:
        record = customers.create(actor=user, **_record_fields(payload.dict(exclude_unset=True)))
        return 201, to_json(customers.out, customers.model.objects.get(pk=record.pk))

    return idempotent(request, create)


def _get_record(user: Any, model: type[_Customer], pk: int, response: HttpResponse) -> _Customer:
    """The hot path (GET /people/{id}): the record, its tags and contact points in three
    prepared statements. Memberships, consent and history are sub-resources, so this stays
    cheap. Without the view permission nothing is visible: a 404, as on the pages."""
    record = _with_related(model.objects.visible_get(user, pk))
    _etag(response, record)
    return record


def _update_record(
    request: ApiRequest,
    customers: _Customers[_Customer],
    pk: int,
    payload: Schema,
    response: HttpResponse,
    if_match: str | None,
) -> Any:
    user = request.auth
    record = _get_visible(user, customers.model, pk)
    _changeable(user, record)
    data = _record_fields(payload.dict(exclude_unset=True))
    expected = _expected_version(data.pop("version", None), if_match)
    updated = customers.update(record, actor=user, expected_version=expected, **data)
    _etag(response, updated)
    return updated


def _delete_record(request: ApiRequest, customers: _Customers[_Customer], pk: int) -> Status:
    user = request.auth
    record = _get_visible(user, customers.model, pk)  # 404 first: the permission says nothing
    require_model_perm(user, customers.model, "delete")
    require_change(user, record)
    customers.delete(record, actor=user)
    return Status(204, None)


def _with_related(record: _Customer) -> _Customer:
    """Attach tag names and contact points of one record already read through the visibility rule.

    Two fixed statements instead of ORM prefetches: on the hot path the ORM's query compilation
    cost more than the queries themselves, and the two travel in one round trip. Identifiers come
    from model metadata; values are bound.
    """
    tags_sql, points_sql = _related_sql(type(record))
    (tags, _columns), (points, columns) = fetch_many(
        [(tags_sql, [record.pk]), (points_sql, [record.pk])]
    )
    record.api_tag_names = [row[0] for row in tags]  # type: ignore[attr-defined]  # read by the schema
    record.api_contact_points = to_instances(ContactPoint, columns, points)  # type: ignore[attr-defined]
    return record


@functools.cache
def _related_sql(model: type[Person | Organisation]) -> tuple[str, str]:
    owner_column = f"{model._meta.model_name}_id"
    through = model.tags.through._meta.db_table
    tag_column = model.tags.field.m2m_reverse_name()
    record_column = model.tags.field.m2m_column_name()
    tags = (
        f"SELECT t.name FROM {Tag._meta.db_table} t "  # noqa: S608 - identifiers only
        f"JOIN {through} x ON x.{tag_column} = t.id WHERE x.{record_column} = %s ORDER BY t.name"
    )
    # Named columns, never `*`: a prepared `*` breaks when a migration adds a column.
    columns = ", ".join(f.column for f in ContactPoint._meta.concrete_fields)
    points = (
        f"SELECT {columns} FROM {ContactPoint._meta.db_table} "  # noqa: S608
        f"WHERE {owner_column} = %s ORDER BY kind, is_primary DESC, id"
    )
    return tags, points


def _get_visible(user: Any, model: type[_Customer], pk: int) -> _Customer:
    """A record the user may see, else a 404 (also without the view permission at all: a record
    one may not see is not found, on the API as on the pages; decision 0045)."""
    related = ("owner", "team", "lifecycle_stage")
    return model.objects.visible_to(user).select_related(*related).get(pk=pk)


def _get_person(user: Any, person_id: int) -> Person:
    return _get_visible(user, Person, person_id)


def _get_organisation(user: Any, organisation_id: int) -> Organisation:
    return _get_visible(user, Organisation, organisation_id)


def _changeable(user: Any, record: Any) -> None:
    require_model_perm(user, type(record), "change")
    require_change(user, record)


# --- People -----------------------------------------------------------------------------------


@people_router.get(
    "", response=PeoplePage, summary="List people", description=CF_HELP, openapi_extra=CF_OPENAPI
)
def list_people(request: ApiRequest, filters: Query[PeopleFilters]):
    return _list_records(request, PEOPLE, filters)


@people_router.post("", response={201: PersonOut}, summary="Create a person")
def create_person(request: ApiRequest, payload: PersonIn):
    return _create_record(request, PEOPLE, payload)


@people_router.get("/{person_id}", response=PersonOut, summary="Get a person")
def get_person(request: ApiRequest, person_id: Id, response: HttpResponse):
    return _get_record(request.auth, Person, person_id, response)


@people_router.patch("/{person_id}", response=PersonOut, summary="Update a person")
def update_person(
    request: ApiRequest,
    person_id: Id,
    payload: PersonPatch,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match", max_length=100),
):
    return _update_record(request, PEOPLE, person_id, payload, response, if_match)


@people_router.delete("/{person_id}", response={204: None}, summary="Delete a person")
def delete_person(request: ApiRequest, person_id: Id):
    return _delete_record(request, PEOPLE, person_id)


@people_router.get(
    "/{person_id}/history",
    response=list[RecordHistoryEntry],
    summary="A person's field history: who changed what, when, from what to what",
)
def get_person_history(request: ApiRequest, person_id: Id):
    from centric.customers.history import person_history

    return person_history(_get_person(request.auth, person_id))


# --- Organisations ----------------------------------------------------------------------------


@organisations_router.get(
    "",
    response=OrganisationPage,
    summary="List organisations",
    description=CF_HELP,
    openapi_extra=CF_OPENAPI,
)
def list_organisations(request: ApiRequest, filters: Query[OrganisationFilters]):
    return _list_records(request, ORGANISATIONS, filters)


@organisations_router.post("", response={201: OrganisationOut}, summary="Create an organisation")
def create_organisation(request: ApiRequest, payload: OrganisationIn):
    return _create_record(request, ORGANISATIONS, payload)


@organisations_router.get(
    "/{organisation_id}", response=OrganisationOut, summary="Get an organisation"
)
def get_organisation(request: ApiRequest, organisation_id: Id, response: HttpResponse):
    return _get_record(request.auth, Organisation, organisation_id, response)


@organisations_router.patch(
    "/{organisation_id}", response=OrganisationOut, summary="Update an organisation"
)
def update_organisation(
    request: ApiRequest,
    organisation_id: Id,
    payload: OrganisationPatch,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match", max_length=100),
):
    return _update_record(request, ORGANISATIONS, organisation_id, payload, response, if_match)


@organisations_router.delete(
    "/{organisation_id}", response={204: None}, summary="Delete an organisation"
)
def delete_organisation(request: ApiRequest, organisation_id: Id):
    return _delete_record(request, ORGANISATIONS, organisation_id)


# --- Contact points (of a person or an organisation) ------------------------------------------


def _owner(user: Any, kind: str, owner_id: int) -> Person | Organisation:
    return _get_person(user, owner_id) if kind == "person" else _get_organisation(user, owner_id)


def _list_points(request: ApiRequest, kind: str, owner_id: int) -> list[ContactPoint]:
    user = request.auth
    owner = _owner(user, kind, owner_id)
    require_model_perm(user, ContactPoint, "view")
    return list(owner.contact_points.all())


def _add_point(request: ApiRequest, kind: str, owner_id: int, payload: ContactPointIn):
    user = request.auth
    owner = _owner(user, kind, owner_id)
    require_model_perm(user, ContactPoint, "add")
    require_change(user, owner)

    def create() -> tuple[int, str]:
        point = services.contact_point_add(owner=owner, actor=user, **payload.dict())
        return 201, to_json(ContactPointOut, point)

    return idempotent(request, create)


def _point(user: Any, kind: str, owner_id: int, point_id: int, action: str) -> ContactPoint:
    owner = _owner(user, kind, owner_id)
    require_model_perm(user, ContactPoint, action)
    point = owner.contact_points.get(pk=point_id)
    require_change(user, owner)
    return point


def _update_point(request, kind: str, owner_id: int, point_id: int, payload: ContactPointPatch):
    user = request.auth
    point = _point(user, kind, owner_id, point_id, "change")
    return services.contact_point_update(
        point=point, actor=user, **payload.dict(exclude_unset=True)
    )


def _delete_point(request, kind: str, owner_id: int, point_id: int):
    user = request.auth
    point = _point(user, kind, owner_id, point_id, "delete")
    services.contact_point_remove(point=point, actor=user)
    return Status(204, None)


def _contact_point_endpoints(router: Router, kind: str, whose: str, to_whom: str) -> None:
    """The four contact-point endpoints of people or organisations (`/{person_id}/…` or
    `/{organisation_id}/…`), one implementation for both; operation ids stay
    `list_person_contact_points`, `add_organisation_contact_point`…"""
    id_name = f"{kind}_id"
    points = f"/{{{id_name}}}/contact-points"

    def list_points(request, owner_id):
        return _list_points(request, kind, owner_id)

    def add_point(request, owner_id, payload):
        return _add_point(request, kind, owner_id, payload)

    def update_point(request, owner_id, point_id, payload):
        return _update_point(request, kind, owner_id, point_id, payload)

    def delete_point(request, owner_id, point_id):
        return _delete_point(request, kind, owner_id, point_id)

    # Real annotation objects (this module's are strings, and these name a local alias), set
    # before ninja reads the signatures; the path parameter keeps its public name by alias.
    owner = Annotated[int, Path(alias=id_name, ge=1, le=MAX_ID)]
    for view, extra in (
        (list_points, {}),
        (add_point, {"payload": ContactPointIn}),
        (update_point, {"point_id": Id, "payload": ContactPointPatch}),
        (delete_point, {"point_id": Id}),
    ):
        view.__annotations__ = {"request": ApiRequest, "owner_id": owner, **extra}
    # The API's operation ids are the view functions' names.
    list_points.__name__ = f"list_{kind}_contact_points"
    add_point.__name__ = f"add_{kind}_contact_point"
    update_point.__name__ = f"update_{kind}_contact_point"
    delete_point.__name__ = f"delete_{kind}_contact_point"
    one = points + "/{point_id}"
    router.get(points, response=list[ContactPointOut], summary=f"List {whose} contact points")(
        list_points
    )
    router.post(
        points, response={201: ContactPointOut}, summary=f"Add a contact point to {to_whom}"
    )(add_point)
    router.patch(one, response=ContactPointOut, summary=f"Update {whose} contact point")(
        update_point
    )
    router.delete(one, response={204: None}, summary=f"Remove {whose} contact point")(delete_point)


_contact_point_endpoints(people_router, "person", "a person's", "a person")
_contact_point_endpoints(
    organisations_router, "organisation", "an organisation's", "an organisation"
)


# --- Memberships ------------------------------------------------------------------------------


@people_router.get(
    "/{person_id}/memberships",
    response=list[MembershipOut],
    summary="List the organisations a person belongs to",
)
def list_person_memberships(request: ApiRequest, person_id: Id):
    user = request.auth
    person = _get_person(user, person_id)
    require_model_perm(user, Membership, "view")
    return list(
        person.memberships.select_related("person", "organisation").filter(
            organisation__in=selectors.organisations_visible(user)
        )
    )


@people_router.post(
    "/{person_id}/memberships",
    response={201: MembershipOut},
    summary="Add a person to an organisation (or change their role there)",
)
def set_person_membership(request: ApiRequest, person_id: Id, payload: MembershipIn):
    user = request.auth
    person = _get_person(user, person_id)
    require_model_perm(user, Membership, "add")
    require_change(user, person)
    try:
        organisation = selectors.organisation_get(user, payload.organisation_id)
    except Organisation.DoesNotExist as error:
        raise ValidationError({"organisation_id": _("There is no such organisation.")}) from error

    def create() -> tuple[int, str]:
        membership = services.membership_set(
            person=person,
            organisation=organisation,
            role=payload.role,
            is_primary=payload.is_primary,
        )
        return 201, to_json(MembershipOut, membership)

    return idempotent(request, create)


@people_router.delete(
    "/{person_id}/memberships/{organisation_id}",
    response={204: None},
    summary="Take a person out of an organisation",
)
def remove_person_membership(request: ApiRequest, person_id: Id, organisation_id: Id):
    user = request.auth
    person = _get_person(user, person_id)
    require_model_perm(user, Membership, "delete")
    require_change(user, person)
    organisation = selectors.organisation_get(user, organisation_id)
    if not Membership.objects.filter(person=person, organisation=organisation).exists():
        raise Membership.DoesNotExist
    services.membership_remove(person=person, organisation=organisation)
    return Status(204, None)


@organisations_router.get(
    "/{organisation_id}/memberships",
    response=list[MembershipOut],
    summary="List the people of an organisation",
)
def list_organisation_memberships(request: ApiRequest, organisation_id: Id):
    user = request.auth
    organisation = _get_organisation(user, organisation_id)
    require_model_perm(user, Membership, "view")
    return list(
        organisation.memberships.select_related("person", "organisation")
        .filter(person__in=selectors.people_visible(user))
        .order_by("person__last_name", "person__first_name", "id")[:500]
    )


# --- Consent ----------------------------------------------------------------------------------


@people_router.get(
    "/{person_id}/consents", response=list[ConsentOut], summary="List a person's consent"
)
def list_person_consents(request: ApiRequest, person_id: Id):
    user = request.auth
    person = _get_person(user, person_id)
    require_model_perm(user, Consent, "view")
    return list(person.consents.all())


@people_router.post(
    "/{person_id}/consents",
    response={201: ConsentOut},
    summary="Record a person's consent for one purpose",
)
def record_person_consent(request: ApiRequest, person_id: Id, payload: ConsentIn):
    user = request.auth
    person = _get_person(user, person_id)
    require_model_perm(user, Consent, "add")
    require_change(user, person)

    def create() -> tuple[int, str]:
        consent = services.consent_record(
            person=person,
            purpose=payload.purpose,
            status=payload.status,
            method=payload.method,
            actor=user,
            ip_address=str(payload.ip_address) if payload.ip_address else None,
            text_shown=payload.text_shown,
            recorded_at=payload.recorded_at,
        )
        return 201, to_json(ConsentOut, consent)

    return idempotent(request, create)


# --- Lifecycle stages -------------------------------------------------------------------------


@stages_router.get("", response=list[StageOut], summary="List lifecycle stages")
def list_lifecycle_stages(request: ApiRequest):
    return list(LifecycleStage.objects.all())


# --- Search -----------------------------------------------------------------------------------


@search_router.get(
    "", response=SearchOut, summary="The search box: name, email or any-format phone"
)
def search(
    request: ApiRequest,
    q: str = Query(..., max_length=200, description="At least two characters."),
    limit: int = Query(10, ge=1, le=50),
):
    user = request.auth
    require_model_perm(user, Person, "view")
    return selectors.search_customers(user, q, limit=limit)
