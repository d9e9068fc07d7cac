"""Tags and custom fields: validation and writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from centric.core.cache import forget
from centric.core.normalise import normalise_email
from centric.extras.models import CustomFieldDefinition, Tag
from centric.extras.tasks import refresh_search_names

if TYPE_CHECKING:
    pass


def custom_field_value_clean(definition: CustomFieldDefinition, value: Any) -> Any:
    """One custom-field value, checked and converted to what is stored (ValidationError if not)."""
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
            cleaned[key] = custom_field_value_clean(definition, value)
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


# --- Settings: custom field definitions -------------------------------------------------------

CUSTOM_FIELD_EDITABLE = (
    "label",
    "field_type",
    "is_required",
    "is_searchable",
    "choices",
    "max_length",
    "min_value",
    "max_value",
    "position",
)


def _check_definition(definition: CustomFieldDefinition) -> None:
    kind = CustomFieldDefinition.FieldType
    choices = [str(c).strip() for c in (definition.choices or []) if str(c).strip()]
    if definition.field_type == kind.CHOICE:
        if not choices:
            raise ValidationError({"choices": _("A choice field needs at least one choice.")})
        if len(set(choices)) != len(choices):
            raise ValidationError({"choices": _("Each choice may appear only once.")})
    else:
        choices = []
    definition.choices = choices
    if (
        definition.min_value is not None
        and definition.max_value is not None
        and definition.min_value > definition.max_value
    ):
        raise ValidationError({"max_value": _("The maximum is below the minimum.")})
    if definition.field_type not in (kind.NUMBER, kind.INTEGER):
        definition.min_value = definition.max_value = None


@transaction.atomic
def custom_field_create(**fields: Any) -> CustomFieldDefinition:
    definition = CustomFieldDefinition(**fields)
    _check_definition(definition)
    definition.full_clean()
    definition.save()
    _searchable_changed(definition.record_type, definition.is_searchable)
    return definition


def _searchable_changed(record_key: str, changed: bool) -> None:
    """The search box reads searchable values from the records' search names: when what is
    searchable changes, the record type's search names are rebuilt in the background (after
    the commit, so a rolled-back change rebuilds nothing)."""
    forget("custom-fields:")
    if changed:
        transaction.on_commit(lambda: refresh_search_names.enqueue(record_key))


@transaction.atomic
def custom_field_update(
    *, definition: CustomFieldDefinition, **fields: Any
) -> CustomFieldDefinition:
    """Change a definition. Its key and record type stay: stored values are filed under them."""
    unknown = set(fields) - set(CUSTOM_FIELD_EDITABLE)
    if unknown:
        raise ValidationError(
            _("These cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    was_searchable = definition.is_searchable
    for name, value in fields.items():
        setattr(definition, name, value)
    _check_definition(definition)
    definition.full_clean()
    definition.save()
    _searchable_changed(definition.record_type, was_searchable or definition.is_searchable)
    return definition


@transaction.atomic
def custom_field_delete(*, definition: CustomFieldDefinition) -> None:
    """Delete a definition. Values already stored stay in the records' JSON, no longer shown."""
    definition.delete()
    _searchable_changed(definition.record_type, definition.is_searchable)


# --- Settings: tags ---------------------------------------------------------------------------


def _check_tag_name(name: str, *, exclude_pk: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("A tag needs a name.")})
    if len(name) > 60:
        raise ValidationError({"name": _("At most 60 characters.")})
    clash = Tag.objects.filter(name__iexact=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": _("There is already a tag with this name.")})
    return name


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:60] or "tag"
    slug, number = base, 1
    while Tag.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():  # type: ignore[misc]  # pk=None excludes nothing (IS NULL)
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def tag_create(*, name: str, colour: str = "#4b5563") -> Tag:
    name = _check_tag_name(name)
    tag = Tag(name=name, slug=_unique_slug(name), colour=colour or "#4b5563")
    tag.full_clean()
    tag.save()
    return tag


@transaction.atomic
def tag_rename(*, tag: Tag, name: str, colour: str | None = None) -> Tag:
    name = _check_tag_name(name, exclude_pk=tag.pk)
    if name != tag.name:
        tag.name = name
        tag.slug = _unique_slug(name, exclude_pk=tag.pk)
    if colour:
        tag.colour = colour
    tag.full_clean()
    tag.save()
    return tag


@transaction.atomic
def tag_delete(*, tag: Tag) -> None:
    """Delete a tag; it comes off every person and organisation that carried it."""
    tag.delete()
