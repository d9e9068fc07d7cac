"""Tags and custom field definitions over the API."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from centric.core.api.idempotency import idempotent
from centric.core.api.pagination import PageParams, page_body, page_of
from centric.core.api.permissions import require_perm
from centric.core.api.render import to_json
from centric.core.api.types import ApiRequest, text
from centric.core.lookups import MAX_QUERY_LENGTH, word_prefix_filter
from centric.extras import services
from centric.extras.models import CustomFieldDefinition, Tag, custom_field_targets

tags_router = Router()
custom_fields_router = Router()

# Built when the API is mounted, after every app registered its record types with the kit.
RecordType = Literal[tuple(key for key, _label in custom_field_targets())]
FieldType = Literal[tuple(CustomFieldDefinition.FieldType.values)]
Bound = Annotated[Decimal, Field(max_digits=20, decimal_places=4, allow_inf_nan=False)]


class TagOut(Schema):
    id: int
    name: str
    slug: str
    colour: str


class TagPage(Schema):
    items: list[TagOut]
    next_cursor: str | None
    previous_cursor: str | None


class TagIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: text(60, min_length=1)


class CustomFieldOut(Schema):
    id: int
    record_type: str
    key: str
    label: str
    field_type: str
    is_required: bool
    is_searchable: bool
    choices: list[Any]
    max_length: int
    min_value: float | None
    max_value: float | None
    position: int


class CustomFieldIn(Schema):
    model_config = ConfigDict(extra="forbid")
    record_type: RecordType
    key: Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")]
    label: text(100, min_length=1)
    field_type: FieldType = "text"
    is_required: bool = False
    is_searchable: bool = Field(
        False, description="The search box finds records by this field's value."
    )
    choices: Annotated[list[text(200)], Field(max_length=200)] = []
    max_length: Annotated[int, Field(ge=1, le=10_000)] = 255
    min_value: Bound | None = None
    max_value: Bound | None = None
    position: Annotated[int, Field(ge=0, le=2_147_483_647)] = 0


class CustomFieldFilters(Schema):
    record_type: RecordType | None = None


class TagFilters(Schema):
    q: str | None = Field(
        None,
        max_length=MAX_QUERY_LENGTH,
        description=(
            "Look-up: tags with a word starting with each word of `q`, ignoring case and accents "
            "(`caf` finds Café regulars). Use the `slug` as the `tag` filter of /people and "
            "/organisations."
        ),
    )


@tags_router.get("", response=TagPage, summary="List or look up tags")
def list_tags(request: ApiRequest, params: Query[PageParams], filters: Query[TagFilters]):
    tags = Tag.objects.all()
    if filters.q:
        tags = word_prefix_filter(tags, filters.q)
    return page_body(
        page_of(tags, ordering=["name", "id"], cursor=params.cursor, limit=params.limit)
    )


@tags_router.post(
    "", response={201: TagOut}, summary="Create a tag (or get the one with that name)"
)
def create_tag(request: ApiRequest, payload: TagIn):
    require_perm(request.auth, "extras.add_tag")

    def create() -> tuple[int, str]:
        return 201, to_json(TagOut, services.tag_get_or_create(name=payload.name))

    return idempotent(request, create)


@custom_fields_router.get(
    "", response=list[CustomFieldOut], summary="List custom field definitions"
)
def list_custom_fields(request: ApiRequest, filters: Query[CustomFieldFilters]):
    queryset = CustomFieldDefinition.objects.all()
    if filters.record_type:
        queryset = queryset.filter(record_type=filters.record_type)
    return list(queryset)


@custom_fields_router.post(
    "", response={201: CustomFieldOut}, summary="Define a custom field (administrators)"
)
def create_custom_field(request: ApiRequest, payload: CustomFieldIn):
    require_perm(request.auth, "extras.add_customfielddefinition")

    def create() -> tuple[int, str]:
        definition = services.custom_field_create(**payload.dict())
        return 201, to_json(CustomFieldOut, definition)

    return idempotent(request, create)
