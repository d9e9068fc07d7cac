"""Links from one record to another registered record (a deal's customer, a ticket's order):
a form input that finds the target with a type-ahead among the records the user may see, and
the look-up endpoint it asks. A link is never a way to reach a hidden record: the input cleans
only to a visible one, and the look-up lists only visible ones.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from centric.core.lookups import lookup_response
from centric.core.records import RecordType, registry
from centric.core.widgets import LookupInput

LOOKUP_LIMIT = 20


def registered(model: Any) -> RecordType | None:
    """The record type of `model` when it is registered with the kit (else None)."""
    if not isinstance(model, type) or not issubclass(model, models.Model):
        return None
    return registry.get(model) if registry.is_registered(model) else None


def visible_target(record_type: RecordType, user: Any, pk: Any) -> models.Model | None:
    """The record `pk` of `record_type` when `user` may see it (None when missing or hidden:
    both answer the same, so a link does not confirm that a hidden record exists)."""
    try:
        number = int(pk)
    except (TypeError, ValueError):
        return None
    if user is None or number < 1:
        return None
    manager: Any = record_type.model._default_manager
    found: models.Model | None = manager.visible_to(user).filter(pk=number).first()
    return found


def _search_fields(record_type: RecordType) -> tuple[str, ...]:
    pages = record_type.pages
    api = record_type.api
    return (pages.search_fields if pages else ()) or (api.search_fields if api else ())


@login_required
def record_lookup(request: HttpRequest, key: str) -> JsonResponse:
    """At most 20 records of the record type `key` the user may see, matching `q` in its
    search fields: the id (what the input submits) and the record's name."""
    from centric.core.kit.filters import filter_text  # filters -> forms -> links

    try:
        record_type = registry.get(key)
    except LookupError:
        raise Http404 from None
    if not request.user.has_perm(record_type.permission("view")):
        raise Http404
    manager: Any = record_type.model._default_manager
    queryset = filter_text(
        manager.visible_to(request.user), _search_fields(record_type), request.GET.get("q")
    )
    return lookup_response(
        {"value": str(record.pk), "label": str(record), "detail": f"#{record.pk}"}
        for record in queryset.order_by("-id")[:LOOKUP_LIMIT]
    )


class RecordLinkInput(LookupInput):
    """The type-ahead of a record link; at render it names the linked record under the input."""

    def __init__(self, record_type: RecordType, **kwargs: Any) -> None:
        super().__init__(
            source=reverse_lazy("core:record_lookup", args=[record_type.key]), **kwargs
        )
        self.record_type = record_type
        self.user: Any = None

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        if value not in (None, ""):
            target = visible_target(self.record_type, self.user, value)
            self.selected_label = str(target) if target else str(_("No such record."))
        return super().get_context(name, value, attrs)


class RecordLinkField(forms.Field):
    """A link to a record of a registered type, typed as its id (or picked by name with the
    type-ahead); cleans to a record the form's user may see, else "no such record"."""

    def __init__(self, record_type: RecordType, **kwargs: Any) -> None:
        self.record_type = record_type
        self.user: Any = None
        kwargs.setdefault("widget", RecordLinkInput(record_type))
        super().__init__(**kwargs)

    def for_user(self, user: Any) -> RecordLinkField:
        self.user = user
        self.widget.user = user  # a RecordLinkInput
        return self

    def prepare_value(self, value: Any) -> Any:
        return value.pk if isinstance(value, models.Model) else value

    def to_python(self, value: Any) -> models.Model | None:
        if value in self.empty_values:
            return None
        if isinstance(value, models.Model):
            return value
        target = visible_target(self.record_type, self.user, str(value).strip())
        if target is None:
            raise ValidationError(
                _("There is no such %(name)s."), params={"name": self.record_type.verbose_name}
            )
        return target
