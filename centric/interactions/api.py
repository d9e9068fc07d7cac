"""The timeline over the API: list (filter by person, organisation, channel, kind), create, get."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from centric.core.api.errors import Problem
from centric.core.api.idempotency import idempotent
from centric.core.api.pagination import PageParams, page_body, page_of
from centric.core.api.permissions import require_model_perm
from centric.core.api.render import to_json
from centric.core.api.types import ApiRequest, CustomValue, Id, Moment, text
from centric.customers import selectors as customer_selectors
from centric.customers.models import Organisation, Person
from centric.interactions import selectors, services
from centric.interactions.choices import Channel, Direction
from centric.interactions.choices import Kind as KindChoice
from centric.interactions.models import Interaction

router = Router()

ChannelName = Literal[tuple(Channel.values)]
DirectionName = Literal[tuple(Direction.values)]
KindName = Literal[tuple(KindChoice.values)]
ORDERING = ["-occurred_at", "-id"]


class InteractionLinkOut(Schema):
    type: str = Field(description="The record type's key (e.g. `deal`).")
    id: int


class InteractionLinkIn(Schema):
    model_config = ConfigDict(extra="forbid")
    type: text(50) = Field(description="The record type's key (e.g. `deal`).")
    id: Id


class InteractionOut(Schema):
    id: int
    channel: str
    direction: str
    kind: str
    occurred_at: dt.datetime
    person_id: int | None
    organisation_id: int | None = Field(
        description="Also null when it names an organisation you may not see."
    )
    actor_user_id: int | None
    actor_is_customer: bool
    subject: str
    summary: str
    body: str
    duration_seconds: int | None
    external_id: str | None
    metadata: dict[str, Any]
    created_at: dt.datetime
    links: list[InteractionLinkOut] = Field(
        description="The other records it is linked to, those you may see."
    )

    @staticmethod
    def resolve_organisation_id(obj: Interaction) -> int | None:
        # Set by the selectors (`annotate_visible_organisation`); without it, none is shown.
        shown: int | None = getattr(obj, "visible_organisation_id", None)
        return shown

    @staticmethod
    def resolve_links(obj: Interaction) -> list[dict[str, Any]]:
        # Set by `selectors.with_visible_links`; without it, nothing is shown (never too much).
        return [{"type": key, "id": pk} for key, pk in getattr(obj, "visible_links", [])]


class InteractionPage(Schema):
    items: list[InteractionOut]
    next_cursor: str | None
    previous_cursor: str | None


class InteractionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    channel: ChannelName
    kind: KindName
    direction: DirectionName = Direction.INTERNAL.value
    occurred_at: Moment | None = Field(None, description="Defaults to now.")
    person_id: Id | None = Field(
        None, description="Whom it was with: a person, an organisation, or both; at least one."
    )
    organisation_id: Id | None = Field(
        None, description="Without `person_id`, the interaction is the organisation's own."
    )
    actor_is_customer: bool = False
    subject: text(255) = ""
    summary: text(500) = ""
    body: text(100_000) = Field("", description="HTML is sanitised.")
    duration_seconds: Annotated[int, Field(ge=0, le=2_147_483_647)] | None = None
    external_id: text(255) | None = Field(
        None,
        description=(
            "The channel's message id; a repeat on the same channel returns the first "
            "interaction (200) to those who may see it, a 409 to others."
        ),
    )
    metadata: Annotated[
        dict[Annotated[str, Field(max_length=100)], CustomValue], Field(max_length=50)
    ] = {}
    links: Annotated[list[InteractionLinkIn], Field(max_length=50)] = Field(
        [],
        description=(
            "Other records it is about (a deal, a ticket…), by record type key and id. Links do "
            "not change who may see the interaction: its person (or organisation) decides."
        ),
    )


class InteractionFilters(PageParams):
    person: Id | None = None
    organisation: Id | None = None
    include_members: bool = Field(
        False,
        description=(
            "With `organisation`: also the interactions of the people who belong to it "
            "(the organisation page's default view)."
        ),
    )
    channel: ChannelName | None = None
    kind: KindName | None = None
    linked_type: text(50) | None = Field(
        None, description="With `linked_id`: only interactions linked to that record."
    )
    linked_id: Id | None = Field(None, description="With `linked_type`.")


@router.get("", response=InteractionPage, summary="List interactions, newest first")
def list_interactions(request: ApiRequest, filters: Query[InteractionFilters]):
    user = request.auth
    require_model_perm(user, Interaction, "view")
    if filters.include_members and filters.organisation is None:
        raise ValidationError({"include_members": _("Give the organisation too.")})
    linked_to = None
    if (filters.linked_type is None) != (filters.linked_id is None):
        missing = "linked_id" if filters.linked_id is None else "linked_type"
        raise ValidationError({missing: _("Give both the linked record's type and id.")})
    if filters.linked_type is not None and filters.linked_id is not None:  # both or neither
        record_type = selectors.timeline_record_type(filters.linked_type)
        if record_type is None:
            raise ValidationError({"linked_type": _("There is no such record type.")})
        linked_to = (record_type.model, filters.linked_id)
    queryset = selectors.timeline(
        user,
        person=filters.person,
        organisation=filters.organisation,
        include_members=filters.include_members,
        channel=filters.channel or "",
        kind=filters.kind or "",
        linked_to=linked_to,
    )
    page = page_of(
        selectors.annotate_has_links(queryset),
        ordering=ORDERING,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    selectors.with_visible_links(user, page.items)
    return page_body(page)


@router.post(
    "",
    response={201: InteractionOut, 200: InteractionOut, 409: Problem},
    summary="Record an interaction",
    description=(
        "A repeated `external_id` on the same channel is the same delivery again: 200 with the "
        "interaction first recorded when you may see it, otherwise a 409 problem that names "
        "nothing of it."
    ),
)
def create_interaction(request: ApiRequest, payload: InteractionIn):
    user = request.auth
    require_model_perm(user, Interaction, "add")
    fields = payload.dict()
    # Whom it is about must be visible to the writer (a 422 on the field otherwise: no leak).
    if fields["person_id"] is not None:
        try:
            fields["person"] = customer_selectors.person_get(user, fields.pop("person_id"))
        except Person.DoesNotExist as error:
            raise ValidationError({"person_id": _("There is no such person.")}) from error
    if fields["organisation_id"] is not None:
        try:
            fields["organisation"] = customer_selectors.organisation_get(
                user, fields.pop("organisation_id")
            )
        except Organisation.DoesNotExist as error:
            raise ValidationError(
                {"organisation_id": _("There is no such organisation.")}
            ) from error
    links = []
    for index, link in enumerate(fields.pop("links")):
        target = selectors.link_target(user, link["type"], link["id"])
        if target is None:
            # The same answer for an unknown type and a missing or hidden record.
            raise ValidationError({f"links.{index}": str(services.NO_SUCH_RECORD)})
        links.append(target)
    fields = {key: value for key, value in fields.items() if value is not None}

    def create() -> tuple[int, str]:
        interaction, created = services.interaction_record(actor=user, links=links, **fields)
        selectors.with_visible_links(user, [interaction])
        selectors.with_visible_organisations(user, [interaction])
        return (201 if created else 200), to_json(InteractionOut, interaction)

    return idempotent(request, create)


@router.get("/{interaction_id}", response=InteractionOut, summary="Get an interaction")
def get_interaction(request: ApiRequest, interaction_id: Id):
    user = request.auth
    require_model_perm(user, Interaction, "view")
    interaction = selectors.interaction_get(user, interaction_id)
    return selectors.with_visible_links(user, [interaction])[0]
