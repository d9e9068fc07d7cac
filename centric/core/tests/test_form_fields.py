"""Form fields are described: every id an aria-describedby names is on the page, holding the help
text or the error message, so a screen reader reads the reason and not only "invalid"."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test import Client


class _Ids(HTMLParser):
    """Collects every element's id, its text, and every aria-describedby."""

    def __init__(self) -> None:
        super().__init__()
        self.text_by_id: dict[str, str] = {}
        self.described_by: list[tuple[str, str]] = []
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("aria-describedby"):
            self.described_by.append((attributes.get("id") or tag, attributes["aria-describedby"]))
        if tag in {"input", "br", "img", "meta", "link", "hr"}:
            if attributes.get("id"):
                self.text_by_id.setdefault(attributes["id"], "")
            return
        self._open.append((tag, attributes.get("id")))
        if attributes.get("id"):
            self.text_by_id.setdefault(attributes["id"], "")

    def handle_endtag(self, tag):
        while self._open:
            opened, _id = self._open.pop()
            if opened == tag:
                break

    def handle_data(self, data):
        for _tag, element_id in self._open:
            if element_id:
                self.text_by_id[element_id] += data


def _parse(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


def assert_described_fields(html: str) -> _Ids:
    parsed = _parse(html)
    for element, names in parsed.described_by:
        for name in names.split():
            assert name in parsed.text_by_id, f"{element} is described by #{name}, not on the page"
            assert parsed.text_by_id[name].strip(), f"#{name} (for {element}) is empty"
    return parsed


class SampleForm(forms.Form):
    name = forms.CharField(help_text="As on their passport.")
    notes = forms.CharField(widget=forms.Textarea, help_text="Only staff see these.")
    colour = forms.ChoiceField(choices=[("", "—"), ("red", "Red")], help_text="Shown on the tag.")
    is_active = forms.BooleanField(help_text="Untick to hide.", required=True)
    channels = forms.MultipleChoiceField(
        choices=[("email", "Email"), ("sms", "SMS")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Where they agreed to hear from us.",
    )
    level = forms.ChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect, help_text="Pick one."
    )


@pytest.mark.parametrize("template", ["partials/field.html", "staff/partials/field.html"])
def test_every_described_by_id_exists_and_holds_the_help_and_the_reason(template):
    form = SampleForm(data={})
    assert not form.is_valid()
    html = "".join(render_to_string(template, {"field": form[name]}) for name in form.fields)
    parsed = assert_described_fields(html)
    described = {element: names.split() for element, names in parsed.described_by}
    for name in ("name", "notes", "colour", "is_active"):
        assert described[f"id_{name}"] == [f"id_{name}_helptext", f"id_{name}_error"]
        assert parsed.text_by_id[f"id_{name}_helptext"] == form.fields[name].help_text
        assert parsed.text_by_id[f"id_{name}_error"] == "This field is required."
    # Groups of inputs are a fieldset; the fieldset carries the description.
    for name in ("channels", "level"):
        assert ("fieldset", f"id_{name}_helptext id_{name}_error") in parsed.described_by
        assert parsed.text_by_id[f"id_{name}_error"] == "This field is required."
    assert 'aria-invalid="true"' in html


def test_a_valid_field_is_described_by_its_help_only():
    form = SampleForm(data={"name": "Ada"})
    form.is_valid()
    html = render_to_string("partials/field.html", {"field": form["name"]})
    parsed = assert_described_fields(html)
    assert parsed.described_by == [("id_name", "id_name_helptext")]
    assert "id_name_error" not in parsed.text_by_id


@pytest.mark.django_db
def test_sign_in_page_fields_are_described(make_user):
    """The password's help (how to get a new one) is shown and named by the input."""
    html = Client().get("/accounts/login/").content.decode()
    parsed = assert_described_fields(html)
    assert ("id_password", "id_password_helptext") in parsed.described_by
    assert "Ask your administrator" in parsed.text_by_id["id_password_helptext"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/people/new/", {"first_name": "", "last_name": "", "email": "not-an-email"}),
        ("/settings/tags/", {"name": "", "colour": "no-such-colour"}),
        ("/settings/fields/new/", {"record_type": "person", "key": "", "field_type": "choice"}),
        ("/staff/users/new/", {"username": "", "email": "nope"}),
    ],
)
def test_pages_with_errors_name_only_ids_that_exist(url, data, admin_user, logged_in_client):
    response = logged_in_client(admin_user).post(url, data)
    assert response.status_code in {200, 422}  # the form again, with its errors
    html = response.content.decode()
    parsed = assert_described_fields(html)
    errors = [names for _element, names in parsed.described_by if "_error" in names]
    assert errors, f"{url} showed no field error"
