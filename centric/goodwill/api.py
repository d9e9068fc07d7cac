"""Goodwill in the API beyond the record kit's CRUD: approve or decline, an agent's allowance,
reasons, limits and the report (`/api/v1/goodwill-…`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from centric.core.api.types import ApiRequest, Id
from centric.goodwill.limits import allowance
from centric.goodwill.models import GoodwillAction, GoodwillLimit, GoodwillReason
from centric.goodwill.services import goodwill_answer
from centric.goodwill.settings_services import limit_save, reason_save

actions_router = Router()
reasons_router = Router()
limits_router = Router()
report_router = Router()


def _may(request: ApiRequest, model: Any, action: str) -> None:
    from centric.core.api.permissions import require_model_perm

    require_model_perm(request.auth, model, action)


class GoodwillAnswerIn(Schema):
    answer: Literal["approve", "decline"]
    note: str = Field("", max_length=500)


class GoodwillAnsweredOut(Schema):
    id: int
    status: str
    approver: str
    answered_at: dt.datetime
    answer_note: str


@actions_router.post(
    "/{action_id}/answer",
    response=GoodwillAnsweredOut,
    summary="Approve or decline goodwill waiting for approval (approvers only, never the asker)",
)
def goodwill_answer_post(
    request: ApiRequest, action_id: Id, payload: GoodwillAnswerIn
) -> dict[str, Any]:
    action = GoodwillAction.objects.visible_to(request.auth).get(pk=action_id)
    done = goodwill_answer(
        action, actor=request.auth, approve=payload.answer == "approve", note=payload.note
    )
    return {
        "id": done.pk,
        "status": done.status,
        "approver": str(done.approver),
        "answered_at": done.answered_at,
        "answer_note": done.answer_note,
    }


class GoodwillAllowanceOut(Schema):
    kind: str
    currency: str
    per_action: Decimal
    per_period: Decimal
    period: str
    given: Decimal
    left: Decimal
    role: str = Field(description="The role whose limit applies; empty: none (all is approved).")


@limits_router.get(
    "/mine", response=list[GoodwillAllowanceOut], summary="What I may give without asking, now"
)
def my_allowance(request: ApiRequest) -> list[dict[str, Any]]:
    from centric.goodwill.models import Kind

    _may(request, GoodwillAction, "add")
    result = []
    for kind in Kind.values:
        found = allowance(request.auth, kind)
        result.append(
            {
                "kind": kind,
                "currency": settings.CENTRIC_DEFAULT_CURRENCY,
                "per_action": found.per_action,
                "per_period": found.per_period,
                "period": found.period,
                "given": found.given,
                "left": found.left,
                "role": found.role,
            }
        )
    return result


class GoodwillReasonIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    is_active: bool = True


class GoodwillReasonOut(GoodwillReasonIn):
    id: int


@reasons_router.get("", response=list[GoodwillReasonOut], summary="Reasons for goodwill")
def reason_list(request: ApiRequest) -> list[Any]:
    _may(request, GoodwillAction, "view")
    return list(GoodwillReason.objects.all())


@reasons_router.post("", response={201: GoodwillReasonOut}, summary="Add a reason")
def reason_add(request: ApiRequest, payload: GoodwillReasonIn) -> Status:
    _may(request, GoodwillLimit, "change")
    return Status(201, reason_save(**payload.dict()))


@reasons_router.put("/{reason_id}", response=GoodwillReasonOut, summary="Rename or retire one")
def reason_change(request: ApiRequest, reason_id: Id, payload: GoodwillReasonIn) -> Any:
    _may(request, GoodwillLimit, "change")
    return reason_save(reason=GoodwillReason.objects.get(pk=reason_id), **payload.dict())


class GoodwillLimitIn(Schema):
    role_id: int
    kind: Literal["", "credit", "refund", "replacement", "discount"] = ""
    per_action: Decimal = Field(..., ge=0, max_digits=18, decimal_places=2)
    per_period: Decimal = Field(..., ge=0, max_digits=18, decimal_places=2)
    period: Literal["day", "week", "month"] = "month"


class GoodwillLimitOut(GoodwillLimitIn):
    id: int
    role: str

    @staticmethod
    def resolve_role(limit: GoodwillLimit) -> str:
        return limit.role.name


@limits_router.get("", response=list[GoodwillLimitOut], summary="Each role's goodwill limits")
def limit_list(request: ApiRequest) -> list[Any]:
    _may(request, GoodwillAction, "view")
    return list(GoodwillLimit.objects.select_related("role"))


@limits_router.put("", response=GoodwillLimitOut, summary="Set a role's limit for a kind")
def limit_set(request: ApiRequest, payload: GoodwillLimitIn) -> Any:
    _may(request, GoodwillLimit, "change")
    values = payload.dict()
    role = Group.objects.get(pk=values.pop("role_id"))
    return limit_save(role=role, **values)


class GoodwillReportRowOut(Schema):
    id: int | None
    name: str
    given: int
    value: Decimal
    waiting: int
    declined: int
    customers: int
    still_customers: int
    ordered_again: int


class GoodwillReportOut(Schema):
    start: dt.date
    end: dt.date
    currency: str
    by_agent: list[GoodwillReportRowOut]
    by_reason: list[GoodwillReportRowOut]


def _row(row: Any) -> dict[str, Any]:
    return {
        "id": row.key,
        "name": row.label,
        "given": row.given,
        "value": row.value,
        "waiting": row.waiting,
        "declined": row.declined,
        "customers": len(row.customers),
        "still_customers": len(row.still),
        "ordered_again": len(row.ordered),
    }


@report_router.get("", response=GoodwillReportOut, summary="Goodwill by agent and by reason")
def goodwill_report_get(
    request: ApiRequest, start: dt.date | None = None, end: dt.date | None = None
) -> dict[str, Any]:
    from centric.goodwill.report import goodwill_report

    _may(request, GoodwillAction, "view")
    today = timezone.localdate()
    found = goodwill_report(
        request.auth,
        start or today - dt.timedelta(days=89),
        end or today,
        settings.CENTRIC_DEFAULT_CURRENCY,
    )
    return {
        "start": found.start,
        "end": found.end,
        "currency": found.currency,
        "by_agent": [_row(row) for row in found.by_agent],
        "by_reason": [_row(row) for row in found.by_reason],
    }
