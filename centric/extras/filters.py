"""Filtering records on their custom fields: `cf.<key>=<value>` or `cf.<key>__<lookup>=<value>`.

Only the lookups a field's type documents are allowed (`CUSTOM_FIELD_LOOKUPS`): a list filter
must never hand a caller the ORM (`__regex` on every row, a path into another JSON key). The
key names a defined custom field and is applied as one JSON key, never parsed as an ORM path.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.db.models.fields.json import KeyTransform
from django.utils.translation import gettext as _

from centric.extras.models import CustomFieldDefinition
from centric.extras.services import custom_field_value_clean

PREFIX = "cf."
SEPARATOR = "__"

_KIND = CustomFieldDefinition.FieldType
_ORDERED = ("exact", "gt", "gte", "lt", "lte")

# What each custom-field type may be filtered by; `exact` is what `cf.<key>=` means.
CUSTOM_FIELD_LOOKUPS: dict[str, tuple[str, ...]] = {
    _KIND.TEXT: ("exact", "icontains", "istartswith"),
    _KIND.NUMBER: _ORDERED,
    _KIND.INTEGER: _ORDERED,
    _KIND.DATE: _ORDERED,
    _KIND.BOOLEAN: ("exact",),
    _KIND.CHOICE: ("exact",),
    _KIND.EMAIL: ("exact", "icontains"),
    _KIND.URL: ("exact", "icontains"),
}
ALL_LOOKUPS = tuple(dict.fromkeys(x for lookups in CUSTOM_FIELD_LOOKUPS.values() for x in lookups))


def lookups_help() -> str:
    """The allowed lookups per type, for the API description (Markdown)."""
    return "; ".join(
        f"`{kind}`: " + ", ".join(f"`{lookup}`" for lookup in lookups)
        for kind, lookups in CUSTOM_FIELD_LOOKUPS.items()
    )


def _split(param: str) -> tuple[str, str]:
    name = param[len(PREFIX) :]
    if SEPARATOR in name:
        key, lookup = name.rsplit(SEPARATOR, 1)
        return key, lookup
    return name, "exact"


def _number(param: str, text: str) -> int | float:
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise ValidationError({param: _("Enter a number.")})
    return int(number) if number == number.to_integral_value() else float(number)


def _value(param: str, definition: CustomFieldDefinition, lookup: str, text: str) -> Any:
    """The filter value as the field stores it (exact) or as the lookup compares it."""
    kind = definition.field_type
    if kind in (_KIND.NUMBER, _KIND.INTEGER):
        return _number(param, text)
    if kind == _KIND.DATE:
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError as error:
            raise ValidationError({param: _("Enter a date as YYYY-MM-DD.")}) from error
    if lookup != "exact" or kind == _KIND.TEXT:
        return text
    try:  # booleans, choices, emails, web addresses: as a value of the field is stored
        return custom_field_value_clean(definition, text)
    except ValidationError as error:
        raise ValidationError({param: error.messages}) from error


def filter_custom_fields(queryset: QuerySet, params: dict[str, Any], record_type: str) -> QuerySet:
    """Apply every non-empty `cf.…` parameter; a ValidationError keyed by the parameter for an
    unknown field, a lookup its type does not allow, or a value it cannot hold."""
    wanted = {
        key: str(value).strip()
        for key, value in params.items()
        if key.startswith(PREFIX) and str(value).strip()
    }
    if not wanted:
        return queryset
    definitions = {d.key: d for d in CustomFieldDefinition.objects.filter(record_type=record_type)}
    for number, (param, text) in enumerate(sorted(wanted.items())):
        key, lookup = _split(param)
        definition = definitions.get(key)
        if definition is None and param[len(PREFIX) :] in definitions:
            key, lookup = param[len(PREFIX) :], "exact"  # a key that itself holds "__"
            definition = definitions[key]
        if definition is None:
            raise ValidationError({param: _("Unknown custom field.")})
        allowed = CUSTOM_FIELD_LOOKUPS.get(definition.field_type, ("exact",))
        if lookup not in allowed:
            raise ValidationError(
                {
                    param: _(
                        "“%(lookup)s” is not a filter of the custom field “%(field)s”; "
                        "it can be filtered by: %(allowed)s."
                    )
                    % {"lookup": lookup, "field": definition.key, "allowed": ", ".join(allowed)}
                }
            )
        alias = f"custom_field_{number}"
        queryset = queryset.alias(**{alias: KeyTransform(key, "custom_fields")}).filter(
            **{f"{alias}__{lookup}": _value(param, definition, lookup, text[:200])}
        )
    return queryset
