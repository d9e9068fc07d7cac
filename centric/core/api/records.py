"""The record kit's REST API: one router per registered record type, from one declaration.

A record type declares its API next to its pages (the API counterpart of `RecordPages`)::

    register_record(
        Voucher,
        key="voucher",
        ...,
        api=RecordApi(
            services=voucher_services,            # the same RecordServices the pages use
            fields=("code", "title", "value", "currency", "expires_on"),
            sorts={"code": ["code", "id"], "-created": ["-created_at", "-id"]},
            default_sort="code",
            search_fields=("code", "title"),
            filter_fields=("currency",),
        ),
        api_path="/vouchers",
    )

and `centric/api.py` mounts `record_router(Voucher)` at `/api/v1/vouchers` (through
`Registry.api_mounts()`; no central file names the record type). The router gives:

- `GET ""`: a cursor page (`cursor`, `limit` ≤ 200, `sort` among the declared keyset sorts) of
  `Model.objects.visible_to(user)`, filtered by `q` (case-insensitive "contains" on the declared
  search fields), `owner` (`me`, `none`, a username or a user id), `team`, `tag` (name or slug),
  the declared `filter_fields` (exact) and `cf.<key>=<value>` (equality on a custom field the
  business defined, the value checked and typed by the field's own type). Tags are prefetched,
  so the number of queries does not grow with the page.
- `GET "/{<key>_id}"`, `PATCH "/{<key>_id}"` (the version from `If-Match` or the body's
  `version`; a stale one is a 409 problem with `current_version`), `DELETE "/{<key>_id}"` (the
  delete permission and the right to change the record) and `GET "/{<key>_id}/history"`.
- `POST ""`: 201, the `Idempotency-Key` honoured by `idempotency.idempotent`.

The one visibility rule decides everything, as on the kit's pages (`core.kit.pages.record_for`):
a record one may not see, or any record without the view permission, is a 404 with the body of
a missing id; a visible record one may not change (or delete) is a 403. Writes go through the
record type's services; their ValidationError, ConcurrentEditError and ApplicationError become
RFC 9457 problems through `errors.install` (custom-field errors name `custom_fields.<key>`).

Schemas are built from the model fields the declaration names (typed and bounded like the
hand-written ones: strings by `max_length`, choices as enums, decimals by digits and validators,
dates by `types.Day`) and named after the record type (`VoucherOut`, `VoucherIn`,
`VoucherPatch`, `VoucherPage`), so the OpenAPI document never holds two schemas with one name;
a declaration may pass its own `out_schema`/`in_schema`/`patch_schema` instead. Operation ids
are the views' names: `list_vouchers`, `create_voucher`, `get_voucher`, `update_voucher`,
`delete_voucher`, `get_voucher_history`. A foreign key `field` is `field_id` in and out (and
as a filter when declared in `filter_fields`); a written one must name a record the caller may
see when its model is a registered record type (else "There is no such …", the answer for a
missing one too), an existing row otherwise.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import QuerySet
from django.db.models.fields.json import KeyTransform
from django.http import HttpResponse
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from centric.core.api.idempotency import idempotent
from centric.core.api.pagination import PageParams, page_body, page_of
from centric.core.api.parser import query_params
from centric.core.api.permissions import require_model_perm
from centric.core.api.render import to_json
from centric.core.api.types import MAX_ID, ApiRequest, CustomFields, Day, Id, Moment, text
from centric.core.kit.features import features
from centric.core.kit.filters import filter_owner, filter_tag, filter_text
from centric.core.kit.history import history_entries
from centric.core.kit.links import registered, visible_target
from centric.core.kit.pages import RecordServices
from centric.core.records import RecordType, registry

FORBID = ConfigDict(extra="forbid")
TagName = Annotated[str, Field(min_length=1, max_length=60)]
Version = Annotated[int, Field(ge=1, le=2**31 - 1)]
OwnerFilter = Annotated[str, Field(pattern=r"^[\w.@+-]{1,150}$")]
# Bounds of the integer model fields (what the database column holds).
INTEGER_BOUNDS: dict[type[models.Field[Any, Any]], tuple[int, int]] = {
    models.SmallIntegerField: (-(2**15), 2**15 - 1),
    models.PositiveSmallIntegerField: (0, 2**15 - 1),
    models.IntegerField: (-(2**31), 2**31 - 1),
    models.PositiveIntegerField: (0, 2**31 - 1),
    models.BigIntegerField: (-(2**63), MAX_ID),
    models.PositiveBigIntegerField: (0, MAX_ID),
}
TEXT_LIMIT = 100_000  # a TextField without max_length
# A JSON list of names: at most this many, each at most this long.
LIST_LIMIT = 100
LIST_ITEM_LIMIT = 200


@dataclass(frozen=True)
class RecordApi:
    """What a record type's API shows, accepts, filters and sorts, and how it writes."""

    services: RecordServices
    # Model fields in the representation, writable on create and update unless read-only.
    # Every representation also has id, external_id, owner_id, team_id, version, the stamps and,
    # when the record type has them, tags and custom_fields.
    fields: tuple[str, ...] = ()
    read_only: tuple[str, ...] = ()
    # sort key -> ordering ending in a unique column (keyset pages, decision 0001)
    sorts: dict[str, list[str]] = field(
        default_factory=lambda: {"-created": ["-created_at", "-id"]}
    )
    default_sort: str = "-created"
    # Fields `q` searches (case-insensitive "contains" on each) and fields with an exact filter.
    search_fields: tuple[str, ...] = ()
    filter_fields: tuple[str, ...] = ()
    # Hand-written schemas instead of the generated ones (names must be unique in the API).
    out_schema: type[Schema] | None = None
    in_schema: type[Schema] | None = None
    patch_schema: type[Schema] | None = None
    # Schema-name prefix (default: the key in CamelCase) and the plural in operation ids
    # (default: the model's untranslated verbose_name_plural).
    name: str = ""
    plural: str = ""
    # Dotted path of a Router with the record type's own operations (an activity's
    # `complete`), mounted on the record's path beside the kit's.
    actions: str = ""


# --- shared output schemas ---------------------------------------------------------------------


class RecordHistoryChange(Schema):
    field: str
    old: str
    new: str


class RecordHistoryEntry(Schema):
    """One change to a record (core.kit.history), newest first."""

    when: dt.datetime
    who_id: int | None
    who: str | None
    action: str
    subject: str
    changes: list[RecordHistoryChange]

    @staticmethod
    def resolve_who_id(obj: Any) -> int | None:
        return obj.who.pk if obj.who is not None else None

    @staticmethod
    def resolve_who(obj: Any) -> str | None:
        return str(obj.who) if obj.who is not None else None


# --- schemas built from the model --------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """The names a record type's API goes by: schema prefix, singular and plural for views."""

    schema: str
    one: str
    many: str


def names_of(record_type: RecordType, spec: RecordApi) -> Names:
    schema = spec.name or "".join(part.capitalize() for part in record_type.key.split("_"))
    with translation.override(None):
        plural = spec.plural or str(record_type.model._meta.verbose_name_plural)
    return Names(schema, record_type.key, slugify(plural).replace("-", "_"))


def _bounds(model_field: models.Field[Any, Any]) -> dict[str, Any]:
    bounds: dict[str, Any] = {}
    for validator in model_field.validators:
        if isinstance(validator, MinValueValidator) and not callable(validator.limit_value):
            bounds["ge"] = validator.limit_value
        elif isinstance(validator, MaxValueValidator) and not callable(validator.limit_value):
            bounds["le"] = validator.limit_value
    return bounds


def _value_type(model_field: models.Field[Any, Any], *, for_input: bool) -> Any:
    """The Python type of one model field's value, bounded like its column when it is input."""
    if model_field.choices:
        return Literal[tuple(str(value) for value, _label in model_field.flatchoices)]
    if isinstance(model_field, models.BooleanField):
        return bool
    if isinstance(model_field, models.DecimalField):
        if not for_input:
            return decimal.Decimal
        return Annotated[
            decimal.Decimal,
            Field(
                max_digits=model_field.max_digits,
                decimal_places=model_field.decimal_places,
                allow_inf_nan=False,
                **_bounds(model_field),
            ),
        ]
    for integer_type, (low, high) in INTEGER_BOUNDS.items():
        if type(model_field) is integer_type:
            if not for_input:
                return int
            # The column's range, narrowed by the field's own validators.
            own = _bounds(model_field)
            return Annotated[
                int, Field(ge=max(low, own.get("ge", low)), le=min(high, own.get("le", high)))
            ]
    if isinstance(model_field, models.FloatField):
        return float
    if isinstance(model_field, models.DateTimeField):
        return Moment if for_input else dt.datetime
    if isinstance(model_field, models.DateField):
        return Day if for_input else dt.date
    if isinstance(model_field, models.CharField | models.TextField):
        if not for_input:
            return str
        limit = model_field.max_length or TEXT_LIMIT
        return text(limit, min_length=0 if model_field.blank else 1)
    if isinstance(model_field, models.JSONField) and model_field.default is list:
        # A list of short names (a deal's ticked checklist items).
        if not for_input:
            return list[str]
        item: Any = text(LIST_ITEM_LIMIT)
        return Annotated[list[item], Field(max_length=LIST_LIMIT)]
    raise TypeError(
        f"The record kit's API cannot generate {model_field.model.__name__}.{model_field.name} "
        f"({type(model_field).__name__}); declare out_schema/in_schema/patch_schema instead."
    )


def _is_required(model_field: models.Field[Any, Any]) -> bool:
    return not model_field.blank and not model_field.null and not model_field.has_default()


def _schema(name: str, base: type[Schema], fields: dict[str, tuple[Any, Any]]) -> type[Schema]:
    """A ninja Schema class named `name` (a real class: resolvers and config are inherited)."""
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "__qualname__": name,
        "__annotations__": {key: annotation for key, (annotation, _default) in fields.items()},
    }
    for key, (_annotation, default) in fields.items():
        if default is not ...:
            namespace[key] = default
    metaclass: Any = type(base)
    schema: type[Schema] = metaclass(name, (base,), namespace)
    return schema


class _RecordOutBase(Schema):
    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        return [tag.name for tag in obj.tags.all()]  # prefetched by the list


class _RecordInBase(Schema):
    model_config = FORBID


@dataclass(frozen=True)
class Schemas:
    out: type[Schema]
    create: type[Schema]
    patch: type[Schema]
    page: type[Schema]
    filters: type[Schema]


def _model_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    model_field = model._meta.get_field(name)
    if not isinstance(model_field, models.Field) or (
        model_field.is_relation and not model_field.many_to_one
    ):
        raise TypeError(
            f"{model.__name__}.{name}: the record kit's API generates plain fields and foreign "
            "keys only; declare out_schema/in_schema/patch_schema for other relations."
        )
    return model_field


def _is_link(model_field: models.Field[Any, Any]) -> bool:
    return bool(model_field.many_to_one)


def link_fields(record_type: RecordType) -> dict[str, models.Field[Any, Any]]:
    """The declared foreign keys, by the API's name for them (`<field>_id`)."""
    spec: RecordApi = record_type.api
    found = {}
    for name in (*spec.fields, *spec.filter_fields):
        model_field = _model_field(record_type.model, name)
        if _is_link(model_field):
            found[f"{name}_id"] = model_field
    return found


def resolve_links(record_type: RecordType, user: Any, data: dict[str, Any]) -> dict[str, Any]:
    """`<field>_id` values -> the records the services take. A link to a registered record
    type names only a record `user` may see; any other only an existing row. Either way a
    missing or hidden one is the same 422 ("There is no such …")."""
    for api_name, model_field in link_fields(record_type).items():
        if api_name not in data:
            continue
        pk = data.pop(api_name)
        target_model: Any = model_field.related_model
        target = None
        if pk is not None:
            target_type = registered(target_model)
            if target_type is not None:
                target = visible_target(target_type, user, pk)
            else:
                target = target_model._default_manager.filter(pk=pk).first()
            if target is None:
                name = target_type.verbose_name if target_type else target_model._meta.verbose_name
                raise ValidationError({api_name: _("There is no such %(name)s.") % {"name": name}})
        data[model_field.name] = target
    return data


@functools.cache
def schemas_for(label: str) -> Schemas:
    """The record type's schemas, built once per process (one class per name)."""
    record_type = registry.get(label)
    spec: RecordApi = record_type.api
    names = names_of(record_type, spec)
    model = record_type.model
    model_fields = {name: _model_field(model, name) for name in spec.fields}
    writable = [name for name in spec.fields if name not in spec.read_only]

    out_fields: dict[str, tuple[Any, Any]] = {
        "id": (int, ...),
        "external_id": (str | None, ...),
        "owner_id": (int | None, ...),
        "team_id": (int | None, ...),
    }
    for name, model_field in model_fields.items():
        if _is_link(model_field):
            out_fields[f"{name}_id"] = (int | None if model_field.null else int, ...)
            continue
        value_type = _value_type(model_field, for_input=False)
        out_fields[name] = (value_type | None if model_field.null else value_type, ...)
    if record_type.custom_fields:
        out_fields["custom_fields"] = (dict[str, Any], ...)
    if record_type.tags:
        out_fields["tags"] = (list[str], ...)
    out_fields.update(
        {"version": (int, ...), "created_at": (dt.datetime, ...), "updated_at": (dt.datetime, ...)}
    )
    out = spec.out_schema or _schema(f"{names.schema}Out", _RecordOutBase, out_fields)

    common: dict[str, tuple[Any, Any]] = {
        "external_id": (text(100) | None, None),
        "owner_id": (Id | None, Field(None, description="A staff member's id; null: nobody.")),
        "team_id": (Id | None, None),
    }
    if record_type.custom_fields:
        common["custom_fields"] = (
            CustomFields,
            Field(None, description="Custom-field key -> value, checked by the field's type."),
        )
    if record_type.tags:
        common["tags"] = (
            Annotated[list[TagName], Field(max_length=50)],
            Field(None, description="Tag names; they replace the record's tags."),
        )
    create_fields: dict[str, tuple[Any, Any]] = {}
    patch_fields: dict[str, tuple[Any, Any]] = {}
    for name in writable:
        model_field = model_fields[name]
        key = f"{name}_id" if _is_link(model_field) else name
        value_type = Id if _is_link(model_field) else _value_type(model_field, for_input=True)
        if model_field.null:
            value_type = value_type | None
        # A field left out keeps its default (create) or its current value (patch).
        create_fields[key] = (value_type, ... if _is_required(model_field) else None)
        patch_fields[key] = (value_type, None)
    create = spec.in_schema or _schema(
        f"{names.schema}In", _RecordInBase, {**create_fields, **common}
    )
    patch_fields.update(common)
    patch_fields["version"] = (
        Version,
        Field(None, description="The version you edited; a stale one is refused with 409."),
    )
    patch = spec.patch_schema or _schema(f"{names.schema}Patch", _RecordInBase, patch_fields)
    page = _schema(
        f"{names.schema}Page",
        Schema,
        {
            "items": (list[out], ...),  # type: ignore[valid-type]
            "next_cursor": (str | None, ...),
            "previous_cursor": (str | None, ...),
        },
    )

    filter_fields: dict[str, tuple[Any, Any]] = {
        "sort": (Literal[tuple(spec.sorts)], spec.default_sort),
        "owner": (
            OwnerFilter | None,
            Field(None, description="`me`, `none`, a username or a user id."),
        ),
        "team": (Id | None, None),
    }
    if spec.search_fields:
        searched = ", ".join(spec.search_fields)
        filter_fields["q"] = (
            text(200) | None,
            Field(None, description=f"Text anywhere in {searched} (any case)."),
        )
    if record_type.tags:
        filter_fields["tag"] = (text(70) | None, Field(None, description="Tag name or slug."))
    for name in spec.filter_fields:
        model_field = _model_field(model, name)
        if _is_link(model_field):
            filter_fields[f"{name}_id"] = (Id | None, None)
        else:
            filter_fields[name] = (_value_type(model_field, for_input=True) | None, None)
    filters = _schema(f"{names.schema}Filters", PageParams, filter_fields)
    return Schemas(out=out, create=create, patch=patch, page=page, filters=filters)


# --- reading -----------------------------------------------------------------------------------


def visible(record_type: RecordType, user: Any, action: str = "view") -> QuerySet[Any]:
    queryset: QuerySet[Any] = record_type.model._default_manager.visible_to(user, action)  # type: ignore[attr-defined]
    return queryset


def _with_related(record_type: RecordType, queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.prefetch_related("tags") if record_type.tags else queryset


def record_get(record_type: RecordType, user: Any, pk: int) -> Any:
    """A record `user` may see (DoesNotExist -> 404 when missing, hidden or not viewable)."""
    return _with_related(record_type, visible(record_type, user)).get(pk=pk)


def record_for(record_type: RecordType, user: Any, pk: int, action: str) -> Any:
    """A record `user` may change or delete: 404 when they may not see it, 403 when they may see
    but not do it (deleting needs the delete permission and the right to change the record), the
    rule of the kit's pages."""
    record = record_get(record_type, user, pk)
    if action == "delete":
        require_model_perm(user, record_type.model, "delete")
    if not visible(record_type, user, "change").filter(pk=pk).exists():
        raise PermissionDenied(_("You may see this record but not change it."))
    return record


def _reread(record_type: RecordType, pk: int) -> Any:
    """The record just written, with what the representation needs (the writer's own record:
    it may have moved out of their sight, and still answers their request)."""
    return _with_related(record_type, record_type.model._default_manager.all()).get(pk=pk)


def _custom_field_filter(
    record_type: RecordType, queryset: QuerySet[Any], params: dict[str, str]
) -> QuerySet[Any]:
    """`cf.<key>=<value>`: equality on a custom field the business defined for the record
    type. The key is looked up among the definitions and addressed as one JSON key (never
    parsed as ORM lookups); the value is checked and typed by the field's type, so
    `cf.size=12` finds the number 12 and a bad value is a 422 on `cf.<key>`."""
    wanted = {key[3:]: value for key, value in params.items() if key.startswith("cf.")}
    wanted = {key: value for key, value in wanted.items() if value.strip()}
    if not wanted:
        return queryset
    if not record_type.custom_fields or features.custom_fields is None:
        raise ValidationError({f"cf.{key}": _("Unknown custom field.") for key in wanted})
    known = features.custom_fields.labels(record_type.key)
    unknown = [key for key in wanted if key not in known]
    if unknown:
        raise ValidationError({f"cf.{key}": _("Unknown custom field.") for key in unknown})
    try:
        typed = features.custom_fields.clean(record_type.key, wanted, partial=True)
    except ValidationError as error:
        raise ValidationError(
            {
                f"cf.{name.removeprefix('custom_fields.')}": messages
                for name, messages in error.message_dict.items()
            }
        ) from error
    for index, (key, value) in enumerate(sorted(typed.items())):
        alias = f"_cf{index}"
        queryset = queryset.alias(**{alias: KeyTransform(key, "custom_fields")}).filter(
            **{alias: value}
        )
    return queryset


def filtered(
    record_type: RecordType, user: Any, filters: Any, params: dict[str, str]
) -> tuple[QuerySet[Any], list[str]]:
    """The visible rows the list's parameters select, and their keyset ordering."""
    spec: RecordApi = record_type.api
    queryset = _with_related(record_type, visible(record_type, user))
    queryset = filter_text(queryset, spec.search_fields, getattr(filters, "q", None))
    queryset = filter_owner(queryset, filters.owner, user)
    if filters.team is not None:
        queryset = queryset.filter(team_id=filters.team)
    if record_type.tags:
        queryset = filter_tag(queryset, getattr(filters, "tag", None))
    for name in spec.filter_fields:
        key = f"{name}_id" if _is_link(_model_field(record_type.model, name)) else name
        value = getattr(filters, key)
        if value is not None:
            queryset = queryset.filter(**{key: value})
    queryset = _custom_field_filter(record_type, queryset, params)
    return queryset, spec.sorts[filters.sort]


# --- writing -----------------------------------------------------------------------------------


def _active_user(pk: int, current: int | None) -> Any:
    user = apps.get_model(settings.AUTH_USER_MODEL)._default_manager.filter(pk=pk).first()
    if user is None or not (user.is_active or user.pk == current):
        raise ValidationError({"owner_id": _("There is no active staff member with this id.")})
    return user


def service_values(data: dict[str, Any], record: Any = None) -> dict[str, Any]:
    """Schema values -> the services' keyword arguments (owner_id/team_id -> owner/team)."""
    if "owner_id" in data:
        owner_id = data.pop("owner_id")
        current = record.owner_id if record is not None else None
        data["owner"] = _active_user(owner_id, current) if owner_id is not None else None
    if "team_id" in data:
        team_id = data.pop("team_id")
        team = None
        if team_id is not None:
            team_model = apps.get_model(settings.CENTRIC_TEAM_MODEL)
            team = team_model._default_manager.filter(pk=team_id).first()
            if team is None:
                raise ValidationError({"team_id": _("There is no such team.")})
        data["team"] = team
    for name in ("custom_fields", "tags"):
        if name in data and data[name] is None:
            del data[name]  # null: leave them as they are
    return data


def expected_version(body_version: int | None, if_match: str | None) -> int | None:
    """The version the client edited: the body's `version`, else `If-Match: "<version>"`."""
    if body_version is not None:
        return body_version
    if not if_match or if_match.strip() == "*":
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise ValidationError({"If-Match": _('Send the version as If-Match: "<version>".')})
    return int(value)


def _etag(response: HttpResponse, record: Any) -> None:
    response["ETag"] = f'"{record.version}"'


# --- the router --------------------------------------------------------------------------------


def _typed(view: Callable[..., Any], name: str, **annotations: Any) -> Callable[..., Any]:
    """Name a generated view (its name is the operation id) and give ninja its real types."""
    view.__name__ = view.__qualname__ = name
    view.__annotations__ = {**view.__annotations__, **annotations}
    return view


def record_router(model: type[models.Model] | str) -> Router:
    """The REST API of a registered record type that declares `api=RecordApi(...)`."""
    record_type = registry.get(model)
    spec: RecordApi | None = record_type.api
    if spec is None:
        raise LookupError(f"{record_type.label} declares no API")
    schemas = schemas_for(record_type.label)
    names = names_of(record_type, spec)
    services = spec.services
    verbose = record_type.verbose_name
    id_name = f"{names.one}_id"
    router = Router()

    def list_records(request: ApiRequest, filters: Any) -> Any:
        user = request.auth
        require_model_perm(user, record_type.model, "view")
        queryset, ordering = filtered(record_type, user, filters, query_params(request))
        page = page_of(queryset, ordering=ordering, cursor=filters.cursor, limit=filters.limit)
        return page_body(page)

    router.get(
        "",
        response=schemas.page,
        summary=f"List {record_type.verbose_name_plural}",
        description=(
            "Visible records only, by cursor. Filter on custom fields with `cf.<key>=<value>`"
            " (equality; the value is read as the field's type)."
        ),
    )(_typed(list_records, f"list_{names.many}", filters=Query[schemas.filters]))  # type: ignore[misc,name-defined]

    def create_record(request: ApiRequest, payload: Any) -> Any:
        user = request.auth
        require_model_perm(user, record_type.model, "add")

        def create() -> tuple[int, str]:
            data = resolve_links(record_type, user, payload.dict(exclude_unset=True))
            record = services.create(actor=user, **service_values(data))
            return 201, to_json(schemas.out, _reread(record_type, record.pk))

        return idempotent(request, create)

    router.post(
        "",
        response={201: schemas.out},
        summary=f"Create a {verbose}",
        description="Send an `Idempotency-Key` header to make a retry safe.",
    )(_typed(create_record, f"create_{names.one}", payload=schemas.create))

    def get_record(request: ApiRequest, record_id: int, response: HttpResponse) -> Any:
        record = record_get(record_type, request.auth, record_id)
        _etag(response, record)
        return record

    router.get(f"/{{{id_name}}}", response=schemas.out, summary=f"Get a {verbose}")(
        _rename_id(_typed(get_record, f"get_{names.one}"), id_name)
    )

    def update_record(
        request: ApiRequest,
        record_id: int,
        payload: Any,
        response: HttpResponse,
        if_match: str | None = Header(None, alias="If-Match", max_length=100),  # type: ignore[type-arg]  # noqa: B008
    ) -> Any:
        user = request.auth
        record = record_for(record_type, user, record_id, "change")
        data = payload.dict(exclude_unset=True)
        expected = expected_version(data.pop("version", None), if_match)
        values = service_values(resolve_links(record_type, user, data), record)
        updated = services.update(record, actor=user, expected_version=expected, **values)
        updated = _reread(record_type, updated.pk)
        _etag(response, updated)
        return updated

    router.patch(
        f"/{{{id_name}}}",
        response=schemas.out,
        summary=f"Update a {verbose}",
        description=(
            'Send the version you edited as `If-Match: "<version>"` (the `ETag` of the GET) '
            "or as `version`; a stale one is refused with 409 and `current_version`."
        ),
    )(_rename_id(_typed(update_record, f"update_{names.one}", payload=schemas.patch), id_name))

    def delete_record(request: ApiRequest, record_id: int) -> Any:
        user = request.auth
        record = record_for(record_type, user, record_id, "delete")
        services.delete(record, actor=user)
        return Status(204, None)

    router.delete(f"/{{{id_name}}}", response={204: None}, summary=f"Delete a {verbose}")(
        _rename_id(_typed(delete_record, f"delete_{names.one}"), id_name)
    )

    def get_record_history(request: ApiRequest, record_id: int) -> Any:
        return history_entries(record_get(record_type, request.auth, record_id))

    router.get(
        f"/{{{id_name}}}/history",
        response=list[RecordHistoryEntry],
        summary=f"A {verbose}'s field history: who changed what, when, from what to what",
    )(_rename_id(_typed(get_record_history, f"get_{names.one}_history"), id_name))
    if spec.actions:
        # The record type's own operations beside the kit's (`/activities/{id}/complete`).
        router.add_router("", import_string(spec.actions))
    return router


def _rename_id(view: Callable[..., Any], id_name: str) -> Callable[..., Any]:
    """Call the path parameter `<key>_id` (e.g. `voucher_id`), as the hand-written API does."""
    signature = inspect.signature(view)
    parameters = [
        parameter.replace(name=id_name, annotation=Id)
        if parameter.name == "record_id"
        else parameter
        for parameter in signature.parameters.values()
    ]

    @functools.wraps(view)
    def renamed(request: ApiRequest, *args: Any, **kwargs: Any) -> Any:
        kwargs["record_id"] = kwargs.pop(id_name)
        return view(request, *args, **kwargs)

    renamed.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    del renamed.__wrapped__  # ninja must read the new signature
    return renamed
