"""What the people and organisation endpoints share: finding a record through the visibility
rule, and the list/create/get/update/delete bodies for either record type.

A record one may not see is a 404, exactly like a missing one (decision 0045).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.responses import Status

from centric.core.api.idempotency import idempotent
from centric.core.api.pagination import page_body, page_of
from centric.core.api.parser import query_params
from centric.core.api.permissions import require_change, require_model_perm
from centric.core.api.render import to_json
from centric.core.api.types import ApiRequest
from centric.core.prepared import fetch_many, to_instances
from centric.customers import services
from centric.customers.api.schemas import ListFilters, OrganisationOut, PersonOut
from centric.customers.filters import filter_organisations, filter_people
from centric.customers.models import ContactPoint, Organisation, Person
from centric.extras.models import Tag

_Customer = TypeVar("_Customer", Person, Organisation)


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


def list_records(
    request: ApiRequest, customers: _Customers[_Customer], filters: ListFilters
) -> Any:
    user = request.auth
    require_model_perm(user, customers.model, "view")
    visible = customers.model.objects.visible_to(user).prefetch_related("tags", "contact_points")
    queryset, ordering = customers.filter(visible, _filter_params(request, filters), user)
    return page_body(
        page_of(queryset, ordering=ordering, cursor=filters.cursor, limit=filters.limit)
    )


def create_record(request: ApiRequest, customers: _Customers[_Customer], payload: Schema) -> Any:
    user = request.auth
    require_model_perm(user, customers.model, "add")

    def create() -> tuple[int, str]:
        record = customers.create(actor=user, **_record_fields(payload.dict(exclude_unset=True)))
        return 201, to_json(customers.out, customers.model.objects.get(pk=record.pk))

    return idempotent(request, create)


def get_record(user: Any, model: type[_Customer], pk: int, response: HttpResponse) -> _Customer:
    """The hot path (GET /people/{id}): the record, its tags and contact points in three
    prepared statements. Memberships, consent and history are sub-resources, so this stays
    cheap. Without the view permission nothing is visible: a 404, as on the pages."""
    record = _with_related(model.objects.visible_get(user, pk))
    _etag(response, record)
    return record


def update_record(
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


def delete_record(request: ApiRequest, customers: _Customers[_Customer], pk: int) -> Status:
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


def visible_person(user: Any, person_id: int) -> Person:
    return _get_visible(user, Person, person_id)


def visible_organisation(user: Any, organisation_id: int) -> Organisation:
    return _get_visible(user, Organisation, organisation_id)


def _changeable(user: Any, record: Any) -> None:
    require_model_perm(user, type(record), "change")
    require_change(user, record)
