"""Organisations over the API: list, create, get, update and delete.

Thin adapters over `common`, like `people`; `parts` adds the router's sub-resources (contact
points, memberships) after these, since ninja matches paths in registration order.
"""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Header, Query, Router

from centric.core.api.types import ApiRequest, Id
from centric.customers.api.common import (
    ORGANISATIONS,
    create_record,
    delete_record,
    get_record,
    list_records,
    update_record,
)
from centric.customers.api.schemas import (
    CF_HELP,
    CF_OPENAPI,
    OrganisationFilters,
    OrganisationIn,
    OrganisationOut,
    OrganisationPage,
    OrganisationPatch,
)
from centric.customers.models import Organisation

organisations_router = Router()


@organisations_router.get(
    "",
    response=OrganisationPage,
    summary="List organisations",
    description=CF_HELP,
    openapi_extra=CF_OPENAPI,
)
def list_organisations(request: ApiRequest, filters: Query[OrganisationFilters]):
    return list_records(request, ORGANISATIONS, filters)


@organisations_router.post("", response={201: OrganisationOut}, summary="Create an organisation")
def create_organisation(request: ApiRequest, payload: OrganisationIn):
    return create_record(request, ORGANISATIONS, payload)


@organisations_router.get(
    "/{organisation_id}", response=OrganisationOut, summary="Get an organisation"
)
def get_organisation(request: ApiRequest, organisation_id: Id, response: HttpResponse):
    return get_record(request.auth, Organisation, organisation_id, response)


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
    return update_record(request, ORGANISATIONS, organisation_id, payload, response, if_match)


@organisations_router.delete(
    "/{organisation_id}", response={204: None}, summary="Delete an organisation"
)
def delete_organisation(request: ApiRequest, organisation_id: Id):
    return delete_record(request, ORGANISATIONS, organisation_id)
