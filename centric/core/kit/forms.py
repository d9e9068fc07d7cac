"""The form a record type's pages are built from.

`record_form_class(record_type)` makes a ModelForm of the fields the registration names, plus
what every owned record has: the owner (the staff type-ahead, decision 0012), the team, tags,
custom fields (through the registered feature) and the hidden version for optimistic
concurrency. The form parses input; the record type's services validate and write, and their
ValidationError comes back next to the input it names (`add_service_errors`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse_lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from centric.core.kit.features import features
from centric.core.kit.links import RecordLinkField, registered
from centric.core.records import RecordType
from centric.core.widgets import LookupInput

CUSTOM_FIELD_PREFIX = "cf_"
OWNERSHIP_FIELDS = ("owner", "team")


def user_label(user: Any) -> str:
    label: str = user.get_full_name() or user.get_username()
    return label


def staff_named(text: str) -> Any:
    """The staff user an owner field names: by username (any case) first — a username may be
    all digits, like an employee number — then, for older clients, by id."""
    users = get_user_model().objects.only("username", "first_name", "last_name", "is_active")
    user = users.filter(username__iexact=text).first()
    if user is None and text.isascii() and text.isdigit() and len(text) < 19:
        user = users.filter(pk=int(text)).first()
    return user


class StaffLookupInput(LookupInput):
    """The staff type-ahead (decision 0012) for an owner. At render it names the chosen user under
    the input and shows a user id (the API's form, older links) as the username the picker
    submits: one query, only when a user is named. `find` reads a typed value as its field does;
    `labels` are fixed values and their names ("me" → "Me")."""

    def __init__(
        self, *, find: Any = staff_named, labels: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(source=reverse_lazy("staff:user_lookup"), **kwargs)
        self.find = find
        self.labels = labels or {}

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        text = "" if value is None else str(value).strip()
        if text in self.labels:
            self.selected_label = str(self.labels[text])
        elif text:
            user = self.find(text)
            if user is None:
                self.selected_label = str(_("No staff member has this username."))
            else:
                self.selected_label = user_label(user)
                if text.isascii() and text.isdigit() and user.get_username() != text:
                    value = user.get_username()
        return super().get_context(name, value, attrs)


class OwnerField(forms.CharField):
    """A record's owner, picked with the staff type-ahead rather than a select of every active
    user. Takes a username (what the picker and a no-JS user submit; any case) or a user id (older
    clients); cleans to an active user — or to the record's current owner (`current`, an id)
    even if deactivated, so a record can be saved without reassigning it — or None for nobody."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", StaffLookupInput(attrs={"placeholder": _("Nobody")}))
        super().__init__(max_length=150, required=False, **kwargs)
        self.current: int | None = None

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return None
        user = staff_named(text)
        if user is None or not (user.is_active or user.pk == self.current):
            raise ValidationError(
                _("No active staff member has the username “%(value)s”."),
                code="invalid_choice",
                params={"value": text},
            )
        return user


def team_queryset() -> Any:
    return apps.get_model(settings.CENTRIC_TEAM_MODEL)._default_manager.order_by("name")


def tag_names(raw: str) -> list[str]:
    """Comma-separated tag names, trimmed, without repeats (first spelling wins)."""
    seen: dict[str, str] = {}
    for name in (raw or "").split(","):
        name = name.strip()
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return list(seen.values())


def add_service_errors(form: forms.BaseForm, error: ValidationError, field_of: Any = None) -> None:
    """Put a service's ValidationError next to the form's inputs: each message on the input of
    its key (`field_of(key)` maps keys that name another input), the rest above the form."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, messages in error.message_dict.items():
        field = field_of(key) if field_of else key
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class ServiceErrorsMixin:
    """A form that shows its service's errors next to its inputs (`add_service_errors`)."""

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(cast(forms.BaseForm, self), error)


@dataclass(frozen=True)
class FormSection:
    """One fieldset of the kit's form page: a legend, its inputs, a help line under them and a
    template included after it (e.g. a duplicate check). A section without inputs is not shown."""

    legend: Any
    fields: list[forms.BoundField]
    help: Any = ""
    after: str = ""


def _custom_field_input(key: str) -> str:
    if key.startswith("custom_fields."):
        return CUSTOM_FIELD_PREFIX + key.split(".", 1)[1]
    return key


class RecordForm(forms.ModelForm):  # type: ignore[type-arg]  # not subscriptable at run time
    """Base of every kit form; `record_form_class` adds the record type's own fields."""

    record_type: RecordType

    owner = OwnerField(label=_("Owner"))
    team: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Team"), empty_label=_("No team")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = team_queryset()  # type: ignore[attr-defined]
        self._link_records(user)
        record = self.instance
        self.custom_keys: list[str] = []
        if self.record_type.tags:
            self.fields["tags"] = forms.CharField(
                label=_("Tags"),
                required=False,
                max_length=1000,
                help_text=_("Separate tags with commas, e.g. VIP, Wholesale."),
            )
        if self.record_type.custom_fields and features.custom_fields is not None:
            inputs = features.custom_fields.form_fields(self.record_type.key)
            initial = features.custom_fields.initial(
                self.record_type.key, getattr(record, "custom_fields", None) or {}
            )
            for key, field in inputs.items():
                self.fields[CUSTOM_FIELD_PREFIX + key] = field
                self.initial.setdefault(CUSTOM_FIELD_PREFIX + key, initial.get(key))
                self.custom_keys.append(key)
        if record.pk:
            owner_field = self.fields["owner"]
            assert isinstance(owner_field, OwnerField)
            owner_field.current = record.owner_id
            self.initial.setdefault("owner", record.owner.get_username() if record.owner else "")
            self.initial.setdefault("team", record.team_id)
            self.initial.setdefault("version", record.version)
            if self.record_type.tags and features.tags is not None:
                self.initial.setdefault("tags", ", ".join(features.tags.names(record)))

    def _link_records(self, user: Any) -> None:
        """A foreign key to another registered record type is a type-ahead over the records
        `user` may see (a select of every row would list hidden ones, and a million of them)."""
        for name in list(self._meta.fields or ()):
            model_field = self._meta.model._meta.get_field(name)
            target = registered(getattr(model_field, "related_model", None))
            if not model_field.many_to_one or target is None:
                continue
            current = self.fields[name]
            link = RecordLinkField(
                target, label=current.label, required=current.required, help_text=current.help_text
            )
            self.fields[name] = link.for_user(user)
            if self.instance.pk and name not in self.initial:
                self.initial[name] = getattr(self.instance, model_field.attname)

    def _post_clean(self) -> None:
        """Parse only: the record type's service validates and writes (a ModelForm would check
        uniqueness here, and say so even about records the user may not see)."""

    # --- what the services receive --------------------------------------------------------

    def own_values(self) -> dict[str, Any]:
        """The record type's own fields and the ownership, as service keyword arguments."""
        names = [*self._meta.fields, *OWNERSHIP_FIELDS]  # type: ignore[misc]
        return {name: self.cleaned_data.get(name) for name in names}

    def custom_fields_value(self) -> dict[str, Any]:
        return {key: self.cleaned_data.get(CUSTOM_FIELD_PREFIX + key) for key in self.custom_keys}

    def tags_value(self) -> list[str] | None:
        if "tags" not in self.fields:
            return None
        return tag_names(self.cleaned_data.get("tags") or "")

    def service_values(self) -> dict[str, Any]:
        values = self.own_values()
        if self.record_type.custom_fields:
            values["custom_fields"] = self.custom_fields_value()
        if self.record_type.tags:
            values["tags"] = self.tags_value()
        return values

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's errors next to their inputs ("custom_fields.<key>" included)."""
        add_service_errors(self, error, _custom_field_input)

    @property
    def own_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self._meta.fields]  # type: ignore[union-attr]

    @property
    def ownership_fields(self) -> list[forms.BoundField]:
        names = [*OWNERSHIP_FIELDS, *(["tags"] if "tags" in self.fields else [])]
        return [self[name] for name in names]

    @property
    def custom_inputs(self) -> list[forms.BoundField]:
        return [self[CUSTOM_FIELD_PREFIX + key] for key in self.custom_keys]

    @property
    def sections(self) -> list[FormSection]:
        """The fieldsets of the form page, in order (a record type's form may declare others)."""
        return [
            FormSection(capfirst(self.record_type.verbose_name), self.own_fields),
            FormSection(_("More about it"), self.custom_inputs),
            FormSection(_("Ownership"), self.ownership_fields),
        ]


def _form_field(model_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """The browser's own pickers for dates and times (a phone shows its calendar), instead of
    a text box that wants one spelling."""
    if isinstance(model_field, models.DateTimeField):
        kwargs.setdefault(
            "widget", forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        )
    elif isinstance(model_field, models.DateField):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    return model_field.formfield(**kwargs)


def record_form_class(record_type: RecordType, fields: tuple[str, ...]) -> type[RecordForm]:
    """A RecordForm for `record_type` with the model's `fields` (what the pages edit)."""
    meta = type(
        "Meta",
        (),
        {"model": record_type.model, "fields": list(fields), "formfield_callback": _form_field},
    )
    name = f"{record_type.model.__name__}Form"
    return type(name, (RecordForm,), {"Meta": meta, "record_type": record_type})
