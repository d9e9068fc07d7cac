"""A JSON parser that refuses what the database would choke on: NUL characters, lone surrogates,
NaN and Infinity. Such input is a 400/422, never a 500."""

from __future__ import annotations

import json
import math
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja.parser import Parser

from centric.core.errors import ApplicationError


class BadInput(ApplicationError):
    status_code = 400
    title = "Bad request"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _check(value: Any, depth: int = 0) -> None:
    if depth > 32:
        raise ValueError("too deeply nested")
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("NUL character")
        value.encode("utf-8")  # lone surrogates raise UnicodeEncodeError (a ValueError)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError("numbers must be finite")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key, depth + 1)
            _check(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check(item, depth + 1)


class SafeParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(request.body, parse_constant=_reject_constant)
        _check(data)
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        for key, values in data.lists():
            for value in [key, *values]:
                if isinstance(value, str) and "\x00" in value:
                    raise BadInput(_("Query parameters may not contain NUL characters."))
        return super().parse_querydict(data, list_fields, request)


def query_params(request: HttpRequest) -> dict[str, str]:
    """The query string as a flat dict (for filters such as `cf.<key>`), NUL-free."""
    result: dict[str, str] = {}
    for key, value in request.GET.items():
        if "\x00" in key or "\x00" in value:
            raise BadInput(_("Query parameters may not contain NUL characters."))
        result[key] = value  # type: ignore[assignment]  # items() gives the last value, a str
    return result
