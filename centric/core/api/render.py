"""Serialising a schema the same way ninja does, for responses built by hand (idempotent creates)."""

from __future__ import annotations

import json
from typing import Any

from ninja import Schema
from ninja.responses import NinjaJSONEncoder


def to_json(schema: type[Schema], obj: Any) -> str:
    return json.dumps(schema.from_orm(obj).model_dump(), cls=NinjaJSONEncoder)
