"""Forms of the import pages: the upload, and the column mapping."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from centric.imports.fields import Suggestion, target_choices
from centric.imports.models import MatchBy, RecordType


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
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx,.vcf"}),
    )


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

    def __init__(
        self,
        *args,
        headers: list[str],
        record_type: str,
        samples: dict,
        suggestions: dict[str, Suggestion] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.headers = headers
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

    def column_fields(self):
        return [self[f"column_{index}"] for index in range(len(self.headers))]

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data.get(f"column_{index}") or ""
            for index, header in enumerate(self.headers)
        }


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
