"""Forms for the settings pages: custom fields, tags, lifecycle stages, record visibility."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from centric.core.visibility import VisibilityLevel
from centric.extras.models import CustomFieldDefinition, custom_field_targets


class CustomFieldForm(forms.Form):
    record_type = forms.ChoiceField(label=_("Record type"), choices=custom_field_targets)
    key = forms.SlugField(
        label=_("Key"),
        max_length=50,
        help_text=_("Lower-case letters, digits, - and _. Used in the API, imports and filters."),
    )
    label = forms.CharField(label=_("Label"), max_length=100)
    field_type = forms.ChoiceField(label=_("Type"), choices=CustomFieldDefinition.FieldType.choices)
    is_required = forms.BooleanField(label=_("Required"), required=False)
    is_searchable = forms.BooleanField(
        label=_("Searchable"),
        required=False,
        help_text=_("The search box finds records by this field's value (a loyalty card number…)."),
    )
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a choice field: one choice per line."),
    )
    max_length = forms.IntegerField(
        label=_("Maximum length"), min_value=1, max_value=10000, initial=255
    )
    min_value = forms.DecimalField(
        label=_("Minimum"), required=False, max_digits=20, decimal_places=4
    )
    max_value = forms.DecimalField(
        label=_("Maximum"), required=False, max_digits=20, decimal_places=4
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, initial=0)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            for name in ("record_type", "key"):
                self.fields[name].disabled = True
                self.fields[name].required = False

    def clean_key(self):
        return (self.cleaned_data.get("key") or "").lower()

    def clean_choices(self):
        text = self.cleaned_data.get("choices") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class TagForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    colour = forms.RegexField(
        label=_("Colour"),
        regex=r"^#[0-9a-fA-F]{6}$",
        initial="#4b5563",
        widget=forms.TextInput(attrs={"type": "color"}),
        error_messages={"invalid": _("Choose a colour like #1d4ed8.")},
    )


class VisibilityForm(forms.Form):
    """One radio group per configurable record type."""

    @staticmethod
    def field_name(record_type: str) -> str:
        return record_type.replace(".", "__")

    def __init__(self, *args, record_types: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for record_type, label in record_types.items():
            self.fields[self.field_name(record_type)] = forms.ChoiceField(
                label=label, choices=VisibilityLevel.choices, widget=forms.RadioSelect
            )
