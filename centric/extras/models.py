"""Extras any record can carry: tags and custom fields."""

from typing import Any

from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from centric.core.records import registry
from centric.core.search import search_key


def custom_field_targets() -> list[tuple[str, str]]:
    """The record types that carry custom fields: every record type registered with
    `custom_fields=True` (a choices callable, so a new record type needs no migration here)."""
    return [(rt.key, rt.verbose_name.capitalize()) for rt in registry.with_custom_fields()]


class Tag(models.Model):
    """A label staff put on people and organisations ("VIP", "Wholesale", "Lekki branch")."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(max_length=70, unique=True)
    colour = models.CharField(_("colour"), max_length=7, default="#4b5563")
    # Folded name for the type-ahead tag picker (word prefixes, any case or accent).
    search_name = models.CharField(max_length=200, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = slugify(self.name)[:70] or "tag"
        self.search_name = search_key(self.name)[:200]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)


class CustomFieldDefinition(models.Model):
    """A business-defined field on a record type; values live in the record's `custom_fields` JSON."""

    class FieldType(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        INTEGER = "integer", _("Whole number")
        BOOLEAN = "boolean", _("Yes/no")
        DATE = "date", _("Date")
        CHOICE = "choice", _("Choice")
        EMAIL = "email", _("Email")
        URL = "url", _("Web address")

    record_type = models.CharField(_("record type"), max_length=40, choices=custom_field_targets)
    key = models.SlugField(
        _("key"), max_length=50, help_text=_("Used in the API, imports and filters.")
    )
    label = models.CharField(_("label"), max_length=100)
    field_type = models.CharField(
        _("type"), max_length=20, choices=FieldType.choices, default=FieldType.TEXT
    )
    is_required = models.BooleanField(_("required"), default=False)
    is_searchable = models.BooleanField(
        _("searchable"),
        default=False,
        help_text=_("The search box finds records by this field's value (a loyalty card number…)."),
    )
    choices = models.JSONField(_("choices"), default=list, blank=True)
    max_length = models.PositiveIntegerField(_("maximum length"), default=255)
    min_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["record_type", "position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["record_type", "key"], name="custom_field_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.label}"
