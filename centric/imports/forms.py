"""Forms of the import pages: the upload, and the column mapping."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centric.core.kit.forms import OwnerField, StaffLookupInput, team_queryset
from centric.imports.fields import Suggestion, target_choices
from centric.imports.models import ColumnPolicy, MatchBy, RecordType
from centric.imports.services.updates import takes_policy

# What the browser says of the chosen file: File.lastModified, in milliseconds since 1970
# (static/centric/imports.js); the mapping page shows it as "file made at" (decision 0064).
FILE_LAST_MODIFIED_LIMIT = 10**14


class UploadForm(forms.Form):
    record_type = forms.ChoiceField(
        label=_("What does the file contain?"),
        choices=RecordType.choices,
        initial=RecordType.PEOPLE,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV, Excel (.xlsx) or vCard (.vcf), up to %(size)d MB. The first row names the columns."
        )
        % {"size": settings.CENTRIC_IMPORT_MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.txt,.tsv,.xlsx,.vcf", "data-last-modified-into": "file_made_at"}
        ),
    )
    file_last_modified = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=FILE_LAST_MODIFIED_LIMIT,
        widget=forms.HiddenInput(attrs={"id": "file_made_at"}),
    )

    class Media:
        js = [forms.Script("centric/imports.js", defer=True)]

    def rows_made_at(self) -> dt.datetime | None:
        """When the file was last changed, as the browser read it (None without JavaScript)."""
        value = self.cleaned_data.get("file_last_modified")
        if not value:
            return None
        return dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC)


class MappingForm(forms.Form):
    """One select per column of the file, plus how to match rows to existing records."""

    match_by = forms.ChoiceField(
        label=_("Match rows to existing records by"),
        choices=MatchBy.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Rows that match an existing record update it, so running the same file twice creates "
            "no duplicates. Phone numbers are never used for matching: families and shops share them."
        ),
    )

    default_owner = OwnerField(
        label=_("Owner of new records"),
        help_text=_(
            "Empty: you. An Owner column, where a row gives one, wins for that row. Existing "
            "records keep their owner unless the Owner column overwrites."
        ),
        widget=StaffLookupInput(attrs={"placeholder": _("You")}),
    )
    default_team = forms.ModelChoiceField(
        label=_("Team of new records"),
        queryset=team_queryset(),
        required=False,
        empty_label=_("The owner's team"),
        help_text=_("The team whose members see the new records; a Team column wins per row."),
    )
    rows_made_at = forms.DateTimeField(
        label=_("File made at"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_(
            "When the program that wrote the file exported it (read from the file; correct it "
            "if you know better). A value your staff edited after it is kept and reported. A "
            "Last modified column gives each row its own time."
        ),
    )
    overwrite_later_edits = forms.BooleanField(
        label=_("Overwrite later edits too"),
        required=False,
        help_text=_(
            "Also replace values your staff edited after the file was made (in overwriting "
            "columns). Each replaced value is in the record's history."
        ),
    )

    def __init__(
        self,
        *args,
        headers: list[str],
        record_type: str,
        samples: dict,
        suggestions: dict[str, Suggestion] | None = None,
        stage_values: list[dict[str, Any]] | None = None,
        stage_choices: list[tuple[str, str]] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.headers = headers
        self.stage_values = stage_values or []
        choices = target_choices(record_type)
        labels = dict(choices)
        for index, header in enumerate(headers):
            sample = samples.get(header, "")
            help_parts = [_("e.g. %(sample)s") % {"sample": sample[:60]}] if sample else []
            suggestion = (suggestions or {}).get(header)
            if suggestion is not None and suggestion.reason:
                help_parts.append(_suggestion_text(suggestion, labels))
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                help_text=" · ".join(str(part) for part in help_parts),
            )
            self.fields[f"policy_{index}"] = forms.ChoiceField(
                label=_("Existing records: %(column)s") % {"column": header},
                choices=ColumnPolicy.choices,
                initial=ColumnPolicy.FILL_BLANKS,
                required=False,
                help_text=_(
                    "For a contact column: its values are added beside the record's; this "
                    "decides the label of a value the record already has."
                ),
            )
        for index, item in enumerate(self.stage_values):
            self.fields[f"stage_{index}"] = forms.ChoiceField(
                label=item["value"],
                choices=[("", _("— no stage —"))] + list(stage_choices or []),
                required=False,
                help_text=(
                    _("Rows in the first 1,000: %(rows)d") % {"rows": item["rows"]}
                    if item["suggested"]
                    else _(
                        "Rows in the first 1,000: %(rows)d · none of your stages matches it; "
                        "without a choice it is imported as no stage, and reported"
                    )
                    % {"rows": item["rows"]}
                ),
            )

    def column_fields(self):
        return [self[f"column_{index}"] for index in range(len(self.headers))]

    def columns(self) -> list[dict[str, Any]]:
        """Each column's field select and its policy choice, shown side by side."""
        mapped = self.data.get if self.is_bound else (lambda name: self.initial.get(name, ""))
        return [
            {
                "field": self[f"column_{index}"],
                "policy": self[f"policy_{index}"],
                "takes_policy": takes_policy(mapped(f"column_{index}") or ""),
            }
            for index in range(len(self.headers))
        ]

    def stage_fields(self):
        return [self[f"stage_{index}"] for index in range(len(self.stage_values))]

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data.get(f"column_{index}") or ""
            for index, header in enumerate(self.headers)
        }

    def policies(self) -> dict[str, str]:
        """The policy of each mapped column that may overwrite (the others only add)."""
        return {
            header: self.cleaned_data.get(f"policy_{index}") or ColumnPolicy.FILL_BLANKS
            for index, header in enumerate(self.headers)
            if takes_policy(self.cleaned_data.get(f"column_{index}") or "")
        }

    def stage_mapping(self) -> dict[str, str]:
        return {
            item["value"]: self.cleaned_data.get(f"stage_{index}") or ""
            for index, item in enumerate(self.stage_values)
        }


class TemplateForm(forms.Form):
    """Save the mapping as a template for the next file of this shape."""

    save_as = forms.CharField(label=_("Template name"), max_length=100, required=False)


def local_input(value: dt.datetime | None) -> str:
    """An aware time as a datetime-local input shows it (the business's time zone)."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""


def _suggestion_text(suggestion: Suggestion, labels: dict[str, str]) -> str:
    """Why a column got (or did not get) its suggested field, for the column's help text."""
    values = {
        "field": labels.get(suggestion.target, suggestion.target),
        "reason": suggestion.reason,
    }
    if not suggestion.target:
        return _("Not imported: %(reason)s") % values
    if not suggestion.is_selected:
        return _("Not imported unless you choose %(field)s: %(reason)s") % values
    return _("Suggested %(field)s: %(reason)s") % values
