"""Forms of the identity pages. They parse input; the services validate and write."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from centric.customers.models import Person
from centric.identity.models import IdentitySettings
from centric.identity.services.merge import GOLDEN_FIELDS

RULE_PREFIX = "rule_"


def field_label(field: str) -> str:
    label = str(cast("models.Field[Any, Any]", Person._meta.get_field(field)).verbose_name)
    if field.startswith("utm_"):
        return "UTM " + field[4:]
    return label[:1].upper() + label[1:]


class IdentitySettingsForm(forms.Form):
    review_threshold = forms.FloatField(
        label=_("Review threshold"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
        help_text=_("Pairs at or above this match probability (0–1) wait in the review queue."),
    )
    merge_threshold = forms.FloatField(
        label=_("Merge threshold"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
        help_text=_(
            "Pairs at or above this count as one customer (and are merged if auto-merge is on)."
        ),
    )
    auto_merge = forms.BooleanField(
        label=_("Merge pairs above the merge threshold automatically"), required=False
    )
    default_survivorship = forms.ChoiceField(
        label=_("Default survivorship rule"),
        choices=IdentitySettings.Survivorship.choices,
        help_text=_("Which record's value survives a merge, unless a field has its own rule."),
    )
    trusted_sources = forms.CharField(
        label=_("Trusted sources"),
        required=False,
        max_length=2000,
        help_text=_("Comma-separated, most trusted first, e.g. walk-in, website, import."),
    )
    active_days = forms.IntegerField(
        label=_("Active: last activity within (days)"), min_value=1, max_value=36_500
    )
    at_risk_days = forms.IntegerField(
        label=_("At risk: within (days)"), min_value=1, max_value=36_500
    )
    lapsed_days = forms.IntegerField(
        label=_("Lapsed: within (days); beyond it, lost"), min_value=1, max_value=36_500
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Default rule")), *IdentitySettings.Survivorship.choices]
        for field in GOLDEN_FIELDS:
            self.fields[RULE_PREFIX + field] = forms.ChoiceField(
                label=field_label(field), choices=choices, required=False
            )

    @classmethod
    def initial_from(cls, settings: IdentitySettings) -> dict[str, Any]:
        initial = {
            "review_threshold": settings.review_threshold,
            "merge_threshold": settings.merge_threshold,
            "auto_merge": settings.auto_merge,
            "default_survivorship": settings.default_survivorship,
            "trusted_sources": ", ".join(settings.trusted_sources or []),
            "active_days": settings.active_days,
            "at_risk_days": settings.at_risk_days,
            "lapsed_days": settings.lapsed_days,
        }
        for field, rule in (settings.field_survivorship or {}).items():
            initial[RULE_PREFIX + field] = rule
        return initial

    @property
    def main_fields(self) -> list:
        return [self[name] for name in ("review_threshold", "merge_threshold", "auto_merge")]

    @property
    def survivorship_fields(self) -> list:
        return [self[name] for name in ("default_survivorship", "trusted_sources")]

    @property
    def rule_fields(self) -> list:
        return [self[RULE_PREFIX + field] for field in GOLDEN_FIELDS]

    @property
    def status_fields(self) -> list:
        return [self[name] for name in ("active_days", "at_risk_days", "lapsed_days")]

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "review_threshold": data["review_threshold"],
            "merge_threshold": data["merge_threshold"],
            "auto_merge": data["auto_merge"],
            "default_survivorship": data["default_survivorship"],
            "field_survivorship": {
                field: data.get(RULE_PREFIX + field) or ""
                for field in GOLDEN_FIELDS
                if data.get(RULE_PREFIX + field)
            },
            "trusted_sources": (data.get("trusted_sources") or "").split(","),
            "active_days": data["active_days"],
            "at_risk_days": data["at_risk_days"],
            "lapsed_days": data["lapsed_days"],
        }

    def add_service_errors(self, error: ValidationError) -> None:
        for key, messages in error.message_dict.items():
            target = key if key in self.fields else None
            for message in messages:
                self.add_error(target, message)


class DuplicateCheckForm(forms.Form):
    """What the person form has typed so far (lenient: a half-typed value is simply ignored)."""

    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    phone = forms.CharField(max_length=40, required=False)
    whatsapp = forms.CharField(max_length=40, required=False)
    email = forms.CharField(max_length=254, required=False)
    date_of_birth = forms.CharField(max_length=10, required=False)
    exclude_id = forms.IntegerField(required=False, min_value=1)

    def record(self) -> dict[str, Any] | None:
        """The record to check, or None when too little was typed to compare."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        phones = [value for value in (data["phone"], data["whatsapp"]) if value.strip()]
        emails = [data["email"]] if data["email"].strip() else []
        if not (data["last_name"].strip() or phones or emails):
            return None
        try:
            date_of_birth = dt.date.fromisoformat(data["date_of_birth"])
        except ValueError:
            date_of_birth = None
        return {
            "first_name": data["first_name"].strip(),
            "last_name": data["last_name"].strip(),
            "date_of_birth": date_of_birth,
            "phones": phones,
            "emails": emails,
        }


class ClusterAcceptForm(forms.Form):
    """The confidence above which every group of the review queue is merged."""

    threshold = forms.FloatField(
        label=_("Confidence"),
        min_value=0.5,
        max_value=1,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.5", "max": "1"}),
        help_text=_(
            "Merge every group whose every pair is at least this sure (0.95 means 95% sure)."
        ),
    )
