"""Business calendars and SLA policies in the API: `/api/v1/business-calendars`,
`/api/v1/sla-policies` (the settings page's SLA section, through the same services)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Router, Schema
from ninja.responses import Status

from centric.core.api.types import ApiRequest, Id
from centric.tickets.models import BusinessCalendar, SlaPolicy, Ticket, TicketStatus
from centric.tickets.sla_settings import calendar_save, policy_save

calendars_router = Router()
policies_router = Router()

Span = list[str]


class ClosedDayIn(Schema):
    date: dt.date
    name: str = Field("", max_length=100)
    open: bool = Field(False, description="A public holiday the business works after all.")


class BusinessCalendarIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    time_zone: str = Field("Africa/Lagos", max_length=60, description="An IANA time zone.")
    week: dict[Literal["0", "1", "2", "3", "4", "5", "6"], list[Span]] = Field(
        default_factory=dict,
        description='Opening hours by weekday (0 is Monday): {"0": [["08:00", "17:00"]]}; '
        '"24:00" closes at midnight; several spans a day for a break.',
    )
    always_open: bool = False
    holiday_country: str = Field("", max_length=2, description='Public holidays of ("NG").')
    holiday_subdivision: str = Field("", max_length=10)
    closed_days: list[ClosedDayIn] = Field(default_factory=list)
    is_default: bool = False
    team_ids: list[int] = Field(default_factory=list, description="The teams that work by it.")


class BusinessCalendarOut(Schema):
    id: int
    name: str
    time_zone: str
    week: dict[str, list[Span]]
    always_open: bool
    holiday_country: str
    holiday_subdivision: str
    closed_days: list[dict[str, Any]]
    is_default: bool
    team_ids: list[int]

    @staticmethod
    def resolve_team_ids(calendar: BusinessCalendar) -> list[int]:
        return sorted(team.pk for team in calendar.teams.all())


class SlaPolicyIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    priority: Literal["", "low", "normal", "high", "urgent"] = ""
    customer_tag: str = Field("", max_length=60, description="The customer's tier tag, or any.")
    first_response_minutes: int | None = Field(None, ge=1, description="Business minutes.")
    resolution_minutes: int | None = Field(None, ge=1, description="Business minutes.")
    warn_before_minutes: int = Field(30, ge=0)
    escalate_to_team_id: int | None = None
    position: int | None = Field(None, ge=0)
    is_active: bool = True


class SlaPolicyOut(Schema):
    id: int
    name: str
    priority: str
    customer_tag: str
    first_response_minutes: int | None
    resolution_minutes: int | None
    warn_before_minutes: int
    escalate_to_team_id: int | None
    position: int
    is_active: bool


def _may(request: ApiRequest, model: Any, action: str) -> None:
    from centric.core.api.permissions import require_model_perm

    require_model_perm(request.auth, model, action)


def _calendar_values(payload: BusinessCalendarIn) -> dict[str, Any]:
    values = payload.dict()
    values["closed_days"] = [
        {**day, "date": day["date"].isoformat()} for day in values["closed_days"]
    ]
    return values


@calendars_router.get("", response=list[BusinessCalendarOut], summary="Business calendars")
def calendar_list(request: ApiRequest) -> list[Any]:
    _may(request, Ticket, "view")
    return list(BusinessCalendar.objects.prefetch_related("teams"))


@calendars_router.post("", response={201: BusinessCalendarOut}, summary="Add a calendar")
def calendar_add(request: ApiRequest, payload: BusinessCalendarIn) -> Status:
    _may(request, TicketStatus, "change")
    return Status(201, calendar_save(**_calendar_values(payload)))


@calendars_router.put("/{calendar_id}", response=BusinessCalendarOut, summary="Change one")
def calendar_change(request: ApiRequest, calendar_id: Id, payload: BusinessCalendarIn) -> Any:
    _may(request, TicketStatus, "change")
    calendar = BusinessCalendar.objects.get(pk=calendar_id)
    return calendar_save(calendar=calendar, **_calendar_values(payload))


@policies_router.get("", response=list[SlaPolicyOut], summary="SLA policies, first match first")
def policy_list(request: ApiRequest) -> list[Any]:
    _may(request, Ticket, "view")
    return list(SlaPolicy.objects.all())


@policies_router.post("", response={201: SlaPolicyOut}, summary="Add an SLA policy")
def policy_add(request: ApiRequest, payload: SlaPolicyIn) -> Status:
    _may(request, TicketStatus, "change")
    return Status(201, policy_save(**payload.dict()))


@policies_router.put("/{policy_id}", response=SlaPolicyOut, summary="Change or retire one")
def policy_change(request: ApiRequest, policy_id: Id, payload: SlaPolicyIn) -> Any:
    _may(request, TicketStatus, "change")
    return policy_save(policy=SlaPolicy.objects.get(pk=policy_id), **payload.dict())
