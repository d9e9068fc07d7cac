"""Field types shared by the API schemas: bounded ids, bounded moments, NUL-free text."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator

MAX_ID = 2**63 - 1


class ApiRequest(HttpRequest):
    """For annotations: the request of an authenticated API operation, where django-ninja puts
    what the authenticator returned (the signed-in, active user) in `auth`."""

    auth: Any


Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _moment(value: dt.datetime) -> dt.datetime:
    if not 1900 <= value.year <= 2200:
        raise ValueError("Give a date and time between the years 1900 and 2200.")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _day(value: dt.date) -> dt.date:
    if not 1800 <= value.year <= 2200:
        raise ValueError("Give a date between the years 1800 and 2200.")
    return value


Moment = Annotated[dt.datetime, AfterValidator(_moment)]
Day = Annotated[dt.date, AfterValidator(_day)]


def text(max_length: int, **kwargs: Any) -> Any:
    return Annotated[str, Field(max_length=max_length, **kwargs)]


def _bounded_number(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
        raise ValueError("Numbers must fit in 64 bits.")
    return value


CustomValue = Annotated[
    Annotated[str, Field(max_length=10_000)] | int | float | bool | None,
    BeforeValidator(_bounded_number),
]
CustomFields = Annotated[
    dict[Annotated[str, Field(max_length=50)], CustomValue], Field(max_length=100)
]


class WorkerNoticeOut(Schema):
    """Set on a queued job or run when no background worker runs to pick it up."""

    message: str
    command: str = Field(description="The command that starts a worker on the server.")
    make_target: str = Field(description="The same from a checkout of the project.")
    last_seen_at: str | None = Field(
        description="When a worker last reported itself; null if none ever ran."
    )
