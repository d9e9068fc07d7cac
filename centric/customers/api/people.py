"""People over the API: list, create, get, update, delete and field history.

Thin adapters over `common` (the visibility rule, selectors, services). The router's
sub-resources (contact points, memberships, consent) are added by `parts`, after these: ninja
matches a router's paths in the order they were registered.
"""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Header, Query, Router

from centric.core.api.records import RecordHistoryEntry
from centric.core.api.types import ApiRequest, Id
from centric.customers.api.common import (
    PEOPLE,
    create_record,
    delete_record,
    get_record,
    list_records,
    update_record,
    visible_person,
)
from centric.customers.api.schemas import (
    CF_HELP,
    CF_OPENAPI,
    PeopleFilters,
    PeoplePage,
    PersonIn,
    PersonOut,
    PersonPatch,
)
from centric.customers.models import Person

people_router = Router()


@people_router.get(
    "", response=PeoplePage, summary="List people", description=CF_HELP, openapi_extra=CF_OPENAPI
)
def list_people(request: ApiRequest, filters: Query[PeopleFilters]):
    return list_records(request, PEOPLE, filters)


@people_router.post("", response={201: PersonOut}, summary="Create a person")
def create_person(request: ApiRequest, payload: PersonIn):
    return create_record(request, PEOPLE, payload)


@people_router.get("/{person_id}", response=PersonOut, summary="Get a person")
def get_person(request: ApiRequest, person_id: Id, response: HttpResponse):
    return get_record(request.auth, Person, person_id, response)


@people_router.patch("/{person_id}", response=PersonOut, summary="Update a person")
def update_person(
    request: ApiRequest,
    person_id: Id,
    payload: PersonPatch,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match", max_length=100),
):
    return update_record(request, PEOPLE, person_id, payload, response, if_match)


@people_router.delete("/{person_id}", response={204: None}, summary="Delete a person")
def delete_person(request: ApiRequest, person_id: Id):
    return delete_record(request, PEOPLE, person_id)


@people_router.get(
    "/{person_id}/history",
    response=list[RecordHistoryEntry],
    summary="A person's field history: who changed what, when, from what to what",
)
def get_person_history(request: ApiRequest, person_id: Id):
    from centric.customers.history import person_history

    return person_history(visible_person(request.auth, person_id))
