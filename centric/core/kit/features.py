"""Seams through which an app adds a capability to every registered record type.

Custom fields and tags live in `extras`, above core; the kit's pages, forms, API and services
reach them only through these protocols, which `extras` registers (see extras/records.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from django import forms
    from django.db import models


class CustomFieldsFeature(Protocol):
    def form_fields(self, record_key: str) -> dict[str, forms.Field]:
        """Form inputs of the record type's custom fields, keyed by custom-field key."""

    def initial(self, record_key: str, values: dict[str, Any]) -> dict[str, Any]:
        """The inputs' initial values for stored values."""

    def clean(
        self, record_key: str, values: dict[str, Any], *, partial: bool = False
    ) -> dict[str, Any]:
        """Validated, typed values; raises ValidationError keyed by custom-field key."""

    def display(self, record_key: str, values: dict[str, Any]) -> list[tuple[str, Any]]:
        """(label, value) rows for a detail page, in the business's order."""

    def labels(self, record_key: str) -> dict[str, str]:
        """Custom-field key -> label (history shows labels, not keys)."""

    def searchable_text(self, record_key: str, values: dict[str, Any]) -> str:
        """The values of the record type's searchable custom fields, as one text to search."""


class TagsFeature(Protocol):
    def set(self, record: models.Model, names: list[str]) -> None:
        """Replace the record's tags by these names (creating missing tags)."""

    def names(self, record: models.Model) -> list[str]:
        """The record's tag names."""


class Features:
    """The registered capabilities (None until the app that provides one registers it)."""

    custom_fields: CustomFieldsFeature | None = None
    tags: TagsFeature | None = None


features = Features()


def register_custom_fields(feature: CustomFieldsFeature) -> None:
    features.custom_fields = feature


def register_tags(feature: TagsFeature) -> None:
    features.tags = feature


def searchable_custom_text(record_key: str, values: dict[str, Any] | None) -> str:
    """What the search box should find a record by among its custom fields ("" without any)."""
    if not values or features.custom_fields is None:
        return ""
    return features.custom_fields.searchable_text(record_key, values)
