"""A ticket's replies and notes in the API: `GET|POST /api/v1/tickets/{id}/messages`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from centric.core.api.types import ApiRequest, Id
from centric.tickets.models import AssignmentRule, Macro, Ticket, TicketCategory, TicketStatus
from centric.tickets.replies import ticket_message_add
from centric.tickets.settings_services import category_save, status_save

actions_router = Router()


class TicketMessageIn(Schema):
    kind: Literal["public", "internal"]
    body: str = Field(..., min_length=1, max_length=20_000)
    seen_message_id: int | None = Field(
        None,
        description=(
            "The last message the writer saw: when another agent wrote after it, the reply is "
            "refused with 409 (send again after reading it, or set send_anyway)."
        ),
    )
    send_anyway: bool = False


class TicketMessageOut(Schema):
    id: int
    kind: str
    body: str
    author: str | None
    created_at: dt.datetime
    to_email: str
    sent_at: dt.datetime | None
    send_error: str


def _body(message: Any) -> dict[str, Any]:
    return {
        "id": message.pk,
        "kind": message.kind,
        "body": message.body,
        "author": message.author.get_username() if message.author else None,
        "created_at": message.created_at,
        "to_email": message.to_email,
        "sent_at": message.sent_at,
        "send_error": message.send_error,
    }


def _ticket(request: ApiRequest, ticket_id: int, action: str = "view") -> Ticket:
    from centric.core.api.permissions import require_model_perm

    require_model_perm(request.auth, Ticket, action)
    return Ticket.objects.visible_to(request.auth, action).get(pk=ticket_id)


@actions_router.get(
    "/{ticket_id}/messages", response=list[TicketMessageOut], summary="A ticket's replies and notes"
)
def message_list(request: ApiRequest, ticket_id: Id) -> list[dict[str, Any]]:
    ticket = _ticket(request, ticket_id)
    return [_body(m) for m in ticket.messages.select_related("author")]


@actions_router.post(
    "/{ticket_id}/messages",
    response={201: TicketMessageOut},
    summary="Reply to the customer (sent by email) or add an internal note",
)
def message_add(request: ApiRequest, ticket_id: Id, payload: TicketMessageIn) -> Status:
    ticket = _ticket(request, ticket_id, "change")
    message = ticket_message_add(
        ticket,
        actor=request.auth,
        kind=payload.kind,
        body=payload.body,
        seen_message_id=payload.seen_message_id,
        send_anyway=payload.send_anyway,
    )
    return Status(201, _body(message))


# --- The business's statuses and categories ------------------------------------------------

statuses_router = Router()
categories_router = Router()


class TicketStatusIn(Schema):
    name: str = Field(..., min_length=1, max_length=60)
    kind: Literal["new", "open", "pending_customer", "pending_back_office", "solved", "closed"] = (
        Field(..., description="What the status means (the clocks and reports read it).")
    )
    position: int | None = Field(None, ge=0)
    is_active: bool = True


class TicketStatusOut(Schema):
    id: int
    name: str
    kind: str
    position: int
    is_active: bool


class TicketCategoryIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    is_active: bool = True


class TicketCategoryOut(Schema):
    id: int
    name: str
    position: int
    is_active: bool


def _may(request: ApiRequest, model: Any, action: str) -> None:
    from centric.core.api.permissions import require_model_perm

    require_model_perm(request.auth, model, action)


@statuses_router.get("", response=list[TicketStatusOut], summary="The business's ticket statuses")
def status_list(request: ApiRequest) -> list[Any]:
    from centric.tickets.statuses import ensure_default_statuses

    _may(request, Ticket, "view")
    ensure_default_statuses()
    return list(TicketStatus.objects.order_by("position", "id"))


@statuses_router.post("", response={201: TicketStatusOut}, summary="Add a ticket status")
def status_add(request: ApiRequest, payload: TicketStatusIn) -> Status:
    _may(request, TicketStatus, "add")
    return Status(201, status_save(**payload.dict()))


@statuses_router.put(
    "/{status_id}", response=TicketStatusOut, summary="Rename, re-order or retire one"
)
def status_change(request: ApiRequest, status_id: Id, payload: TicketStatusIn) -> Any:
    _may(request, TicketStatus, "change")
    return status_save(status=TicketStatus.objects.get(pk=status_id), **payload.dict())


@categories_router.get(
    "", response=list[TicketCategoryOut], summary="The business's ticket categories"
)
def category_list(request: ApiRequest) -> list[Any]:
    _may(request, Ticket, "view")
    return list(TicketCategory.objects.order_by("position", "name"))


@categories_router.post("", response={201: TicketCategoryOut}, summary="Add a ticket category")
def category_add(request: ApiRequest, payload: TicketCategoryIn) -> Status:
    _may(request, TicketCategory, "add")
    return Status(201, category_save(**payload.dict()))


@categories_router.put("/{category_id}", response=TicketCategoryOut, summary="Rename or retire one")
def category_change(request: ApiRequest, category_id: Id, payload: TicketCategoryIn) -> Any:
    _may(request, TicketCategory, "change")
    return category_save(category=TicketCategory.objects.get(pk=category_id), **payload.dict())


# --- Canned replies and macros -------------------------------------------------------------

macros_router = Router()


class TicketMacroIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    body: str = Field("", max_length=10_000, description="The reply, with {placeholders}.")
    set_status_id: int | None = None
    set_priority: Literal["", "low", "normal", "high", "urgent"] = ""
    is_active: bool = True


class TicketMacroOut(TicketMacroIn):
    id: int


class MacroApplyIn(Schema):
    macro_id: int


class MacroAppliedOut(Schema):
    reply: str = Field(description="The macro's reply, filled in: send it with POST .../messages.")
    status_id: int
    priority: str
    version: int


@macros_router.get("", response=list[TicketMacroOut], summary="Canned replies and macros")
def macro_list(request: ApiRequest) -> list[Any]:
    _may(request, Ticket, "view")
    return list(Macro.objects.all())


@macros_router.post("", response={201: TicketMacroOut}, summary="Add a canned reply or macro")
def macro_add(request: ApiRequest, payload: TicketMacroIn) -> Status:
    from centric.tickets.macros import macro_save

    _may(request, TicketStatus, "change")
    values = payload.dict()
    status_id = values.pop("set_status_id")
    status = TicketStatus.objects.filter(pk=status_id).first() if status_id else None
    if status_id and status is None:
        raise ValidationError({"set_status_id": _("No such status.")})
    return Status(201, macro_save(set_status=status, **values))


@actions_router.post(
    "/{ticket_id}/apply-macro",
    response=MacroAppliedOut,
    summary="Apply a macro: set its fields, and get its reply filled in (not sent)",
)
def macro_use(request: ApiRequest, ticket_id: Id, payload: MacroApplyIn) -> dict[str, Any]:
    from centric.tickets.macros import macro_apply

    ticket = _ticket(request, ticket_id, "change")
    macro = Macro.objects.get(pk=payload.macro_id)
    ticket, reply = macro_apply(ticket, actor=request.auth, macro=macro)
    return {
        "reply": reply,
        "status_id": ticket.status_id,
        "priority": ticket.priority,
        "version": ticket.version,
    }


# --- Assignment rules ----------------------------------------------------------------------

assignment_router = Router()


class TicketAssignmentRuleIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    team_id: int
    method: Literal["round_robin", "least_loaded", "team"] = "round_robin"
    category_id: int | None = None
    channel: str = Field("", max_length=10)
    keyword: str = Field("", max_length=60)
    customer_tag: str = Field("", max_length=60)
    position: int = Field(0, ge=0)


class TicketAssignmentRuleOut(TicketAssignmentRuleIn):
    id: int
    is_active: bool


@assignment_router.get(
    "", response=list[TicketAssignmentRuleOut], summary="Ticket assignment rules"
)
def assignment_rule_list(request: ApiRequest) -> list[Any]:
    _may(request, Ticket, "view")
    return list(AssignmentRule.objects.filter(is_active=True))


@assignment_router.post(
    "", response={201: TicketAssignmentRuleOut}, summary="Add an assignment rule"
)
def assignment_rule_add(request: ApiRequest, payload: TicketAssignmentRuleIn) -> Status:
    from centric.tickets.settings_services import assignment_rule_save

    _may(request, TicketStatus, "change")
    return Status(201, assignment_rule_save(**payload.dict()))


@assignment_router.delete("/{rule_id}", response={204: None}, summary="Switch a rule off")
def assignment_rule_off(request: ApiRequest, rule_id: Id) -> Status:
    _may(request, TicketStatus, "change")
    AssignmentRule.objects.filter(pk=rule_id).update(is_active=False)
    return Status(204, None)


# --- Merge, split, link ----------------------------------------------------------------------


class TicketMergeIn(Schema):
    into_id: int = Field(description="The ticket that stays; this one is closed into it.")


class TicketSplitIn(Schema):
    message_id: int
    subject: str = Field("", max_length=200)


class TicketRelatedIn(Schema):
    other_id: int


class TicketRefOut(Schema):
    id: int
    number: str
    subject: str


def _ref(ticket: Ticket) -> dict[str, Any]:
    return {"id": ticket.pk, "number": ticket.number, "subject": ticket.subject}


@actions_router.post("/{ticket_id}/merge", response=TicketRefOut, summary="Merge a duplicate")
def merge(request: ApiRequest, ticket_id: Id, payload: TicketMergeIn) -> dict[str, Any]:
    from centric.tickets.merging import ticket_merge

    duplicate = _ticket(request, ticket_id, "change")
    into = _ticket(request, payload.into_id, "change")
    return _ref(ticket_merge(duplicate, into=into, actor=request.auth))


@actions_router.post(
    "/{ticket_id}/split", response={201: TicketRefOut}, summary="Split a message off"
)
def split(request: ApiRequest, ticket_id: Id, payload: TicketSplitIn) -> Status:
    from centric.tickets.merging import ticket_split

    ticket = _ticket(request, ticket_id, "change")
    message = ticket.messages.get(pk=payload.message_id)
    return Status(201, _ref(ticket_split(message, actor=request.auth, subject=payload.subject)))


@actions_router.get(
    "/{ticket_id}/related", response=list[TicketRefOut], summary="Related tickets one may see"
)
def related_list(request: ApiRequest, ticket_id: Id) -> list[dict[str, Any]]:
    ticket = _ticket(request, ticket_id)
    visible = Ticket.objects.visible_to(request.auth).filter(related=ticket)
    return [_ref(t) for t in visible.order_by("id")]


@actions_router.post("/{ticket_id}/related", response={204: None}, summary="Link a related one")
def related_add(request: ApiRequest, ticket_id: Id, payload: TicketRelatedIn) -> Status:
    from centric.tickets.merging import ticket_link

    ticket = _ticket(request, ticket_id, "change")
    ticket_link(ticket, other=_ticket(request, payload.other_id), actor=request.auth)
    return Status(204, None)


# --- SLA clocks ------------------------------------------------------------------------------


class TicketSlaClockOut(Schema):
    label: str
    state: Literal["running", "warning", "late", "paused", "met", "late_met"]
    due: dt.datetime | None
    seconds_left: int | None = Field(
        None, description="To the due time; while paused, the business seconds left."
    )


class TicketSlaStepOut(Schema):
    clock: str
    step: str
    at: dt.datetime
    detail: str


class TicketSlaOut(Schema):
    policy: str | None
    clocks: list[TicketSlaClockOut]
    steps: list[TicketSlaStepOut]


@actions_router.get(
    "/{ticket_id}/sla", response=TicketSlaOut, summary="The ticket's SLA: time left, and each step"
)
def sla_view(request: ApiRequest, ticket_id: Id) -> dict[str, Any]:
    from centric.tickets.sla import clocks

    ticket = _ticket(request, ticket_id)
    return {
        "policy": str(ticket.sla_policy) if ticket.sla_policy_id else None,
        "clocks": [
            {
                "label": view.label,
                "state": view.state,
                "due": view.due,
                "seconds_left": int(view.left.total_seconds()) if view.left is not None else None,
            }
            for view in clocks(ticket)
        ],
        "steps": list(ticket.sla_events.values("clock", "step", "at", "detail")),
    }
