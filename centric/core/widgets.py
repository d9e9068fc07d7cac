"""Form widgets of the in-house framework."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.functional import Promise


class LookupInput(forms.TextInput):
    """A text input that suggests values from a look-up endpoint as you type (static/centric/lookup.js).

    Without JavaScript it is a plain text field: what is typed is submitted as is (a username, a
    tag name). With it, the input becomes an ARIA combobox: arrow keys move through at most 20
    suggestions, Enter picks one, Escape closes the list. `shortcuts` are fixed options shown
    before the suggestions ("Me", "Nobody"); `selected_label` is shown under the input (e.g. the
    display name of the chosen owner), so a reloaded page still says who was picked.
    """

    template_name = "core/widgets/lookup.html"

    class Media:
        js = [forms.Script("centric/lookup.js", defer=True)]

    def __init__(
        self,
        *,
        source: str | Promise,
        shortcuts: Sequence[tuple[str, str | Promise]] = (),
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.source = source
        self.shortcuts = shortcuts
        self.selected_label = ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            source=str(self.source),
            shortcuts=json.dumps(
                [{"value": key, "label": str(label)} for key, label in self.shortcuts]
            ),
            selected_label=self.selected_label,
        )
        return context
