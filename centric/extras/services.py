"""Tags and custom fields: validation and writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from centric.core.normalise import normalise_email
from centric.extras.models import CustomFieldDefinition, Tag


def _coerce(definition: CustomFieldDefinition, value: Any) -> Any:
    kind = CustomFieldDefinition.FieldType
    if definition.field_type == kind.TEXT:
        if not isinstance(value, str | int | float):
            raise ValidationError(_("Enter text."))
        text = str(value).strip()
        if len(text) > definition.max_length:
            raise ValidationError(_("At most %(n)d characters.") % {"n": definition.max_length})
        return text
    if definition.field_type in (kind.NUMBER, kind.INTEGER):
        if isinstance(value, bool):
            raise ValidationError(_("Enter a number."))
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation as error:
            raise ValidationError(_("Enter a number.")) from error
        if not number.is_finite():
            raise ValidationError(_("Enter a number."))
        if definition.field_type == kind.INTEGER and number != number.to_integral_value():
            raise ValidationError(_("Enter a whole number."))
        if definition.min_value is not None and number < definition.min_value:
            raise ValidationError(_("Must be at least %(n)s.") % {"n": definition.min_value})
        if definition.max_value is not None and number > definition.max_value:
            raise ValidationError(_("Must be at most %(n)s.") % {"n": definition.max_value})
        return int(number) if definition.field_type == kind.INTEGER else float(number)
    if definition.field_type == kind.BOOLEAN:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"1", "true", "yes", "y", "on"}:
            return True
        if text in {"0", "false", "no", "n", "off"}:
            return False
        raise ValidationError(_("Enter yes or no."))
    if definition.field_type == kind.DATE:
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError as error:
            raise ValidationError(_("Enter a date as YYYY-MM-DD.")) from error
    if definition.field_type == kind.CHOICE:
        text = str(value).strip()
        if text not in definition.choices:
            raise ValidationError(
                _("Choose one of: %(choices)s.")
                % {"choices": ", ".join(map(str, definition.choices))}
            )
        return text
    if definition.field_type == kind.EMAIL:
        return normalise_email(str(value))
    if definition.field_type == kind.URL:
        text = str(value).strip()
        URLValidator(schemes=["http", "https"])(text)
        return text
    raise ValidationError(_("Unknown field type."))  # pragma: no cover


def custom_fields_clean(
    *, record_type: str, values: dict[str, Any] | None, partial: bool = False
) -> dict[str, Any]:
    """Validate custom-field values against their definitions; errors are keyed by field key."""
    values = dict(values or {})
    definitions = {d.key: d for d in CustomFieldDefinition.objects.filter(record_type=record_type)}
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key in values:
        if key not in definitions:
            errors[key] = [_("There is no custom field “%(key)s”.") % {"key": key}]
    for key, definition in definitions.items():
        value = values.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if definition.is_required and not partial:
                errors[key] = [_("This field is required.")]
            continue
        try:
            cleaned[key] = _coerce(definition, value)
        except ValidationError as error:
            errors[key] = list(error.messages)
    if errors:
        raise ValidationError(
            {f"custom_fields.{key}": messages for key, messages in errors.items()}
        )
    return cleaned


@transaction.atomic
def tag_get_or_create(*, name: str) -> Tag:
    name = (name or "").strip()[:60]
    if not name:
        raise ValidationError({"name": _("A tag needs a name.")})
    tag = Tag.objects.filter(name__iexact=name).first()
    if tag is None:
        tag = Tag(name=name, slug=slugify(name)[:70] or "tag")
        tag.full_clean()
        tag.save()
    return tag


@transaction.atomic
def custom_field_create(**fields: Any) -> CustomFieldDefinition:
    definition = CustomFieldDefinition(**fields)
    definition.full_clean()
    definition.save()
    return definition
