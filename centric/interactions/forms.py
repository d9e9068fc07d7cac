"""The form for adding a note, call, meeting or visit to a timeline by hand."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centric.interactions.choices import MANUAL_KINDS, Direction


class InteractionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=[(k.value, k.label) for k in MANUAL_KINDS])
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=Direction.choices,
        initial=Direction.INTERNAL,
        required=False,
    )
    occurred_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text=_("Leave empty for now."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=255, required=False)
    body = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), required=False, min_value=0, max_value=24 * 60
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if not (data.get("subject") or "").strip() and not (data.get("body") or "").strip():
            self.add_error("body", _("Write what happened."))
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data["kind"]
        minutes = data.get("duration_minutes")
        return {
            "kind": kind,
            "channel": MANUAL_KINDS[kind],
            "direction": data.get("direction") or Direction.INTERNAL,
            "occurred_at": data.get("occurred_at") or timezone.now(),
            "subject": data.get("subject") or "",
            "body": _paragraphs(data.get("body") or ""),
            "duration_seconds": minutes * 60 if minutes else None,
        }


def _paragraphs(text: str) -> str:
    """Plain text typed by staff becomes simple HTML paragraphs (the service sanitises it)."""
    from django.utils.html import escape, linebreaks

    text = text.strip()
    return linebreaks(escape(text)) if text else ""
