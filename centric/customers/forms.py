"""Forms of the customer pages. They parse input; the services validate and write.

A service's ValidationError comes back keyed by model field ("first_name"), by nested path
("contact_points.0.value", "custom_fields.loyalty_tier") or not keyed at all;
`add_service_errors` puts each message next to the input it belongs to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from centric.core.kit.forms import FormSection, OwnerField, ServiceErrorsMixin, StaffLookupInput
from centric.core.normalise import normalise_email, normalise_phone
from centric.core.widgets import LookupInput
from centric.customers.choices import (
    ConsentMethod,
    ConsentPurpose,
    ConsentStatus,
    ContactKind,
    Gender,
)
from centric.customers.filters import OWNER_ME, OWNER_NONE, owner_matching, tag_matching
from centric.customers.models import LifecycleStage, Organisation
from centric.extras.features import custom_field_initial, custom_field_input
from centric.extras.models import CustomFieldDefinition
from centric.extras.services import custom_fields_clean
from centric.staff.models import Team

if TYPE_CHECKING:
    from django.http import QueryDict

CUSTOM_FIELD_PREFIX = "cf_"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _filter_owner(text: str) -> Any:
    return owner_matching(text).only("username", "first_name", "last_name").first()


def phone_input(label: Any, help_text: Any = "") -> forms.CharField:
    """A phone number as typed (any format); the service normalises it."""
    return forms.CharField(
        label=label,
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text=help_text,
    )


def email_input() -> forms.CharField:
    return forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "off"}),
    )


class CustomerRecordForm(forms.Form):
    """What person and organisation forms share: ownership, lifecycle, acquisition, tags, custom fields."""

    record_type = ""
    contact_fields: tuple[str, ...] = ()
    record_fields_names: tuple[str, ...] = ()

    owner = OwnerField(label=_("Owner"))
    team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Team"), empty_label=_("No team")
    )
    lifecycle_stage: forms.ModelChoiceField[LifecycleStage] = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Lifecycle stage"),
        to_field_name="key",
        empty_label="—",
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=100,
        required=False,
        help_text=_("How they came to us: walk-in, referral, Instagram…"),
    )
    campaign = forms.CharField(label=_("Campaign"), max_length=150, required=False)
    utm_source = forms.CharField(label=_("UTM source"), max_length=150, required=False)
    utm_medium = forms.CharField(label=_("UTM medium"), max_length=150, required=False)
    utm_campaign = forms.CharField(label=_("UTM campaign"), max_length=150, required=False)
    external_id = forms.CharField(
        label=_("External id"),
        max_length=100,
        required=False,
        help_text=_("The id in another system, unique when given."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        help_text=_("Separate tags with commas, e.g. VIP, Wholesale."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, data: Any = None, *, instance: Any = None, **kwargs: Any) -> None:
        """The record kit's form protocol: `instance` is the record being edited (its form has
        no contact inputs: contact points are edited on the record's page)."""
        super().__init__(data, **kwargs)
        self.instance = instance
        self.editing = instance is not None
        if self.editing:
            for name in self.contact_fields:
                del self.fields[name]
            self.contact_fields = ()
        team = cast("forms.ModelChoiceField[Team]", self.fields["team"])
        team.queryset = Team.objects.order_by("name")
        stage = cast("forms.ModelChoiceField[LifecycleStage]", self.fields["lifecycle_stage"])
        stage.queryset = LifecycleStage.objects.order_by("position")
        self.custom_definitions = list(
            CustomFieldDefinition.objects.filter(record_type=self.record_type).order_by(
                "position", "label"
            )
        )
        for definition in self.custom_definitions:
            self.fields[CUSTOM_FIELD_PREFIX + definition.key] = custom_field_input(definition)
        if instance is not None:
            if self.is_bound:
                self.editing_record(instance)
            else:
                self.set_initial_from(instance)

    def service_values(self) -> dict[str, Any]:
        """The service's keyword arguments (the kit's pages call the service with them)."""
        values = self.service_fields()
        values["tags"] = self.tags_value()
        values["custom_fields"] = self.custom_fields_value()
        if not self.editing:
            values["contact_points"] = self.contact_points_value()
        return values

    def service_fields(self) -> dict[str, Any]:
        fields = self.record_fields(self.record_fields_names)
        fields["external_id"] = fields.get("external_id") or None
        return fields

    def section(self, names: tuple[str, ...]) -> list:
        return [self[name] for name in names if name in self.fields]

    @property
    def acquisition_fields(self) -> list:
        return self.section(("source", "campaign", "utm_source", "utm_medium", "utm_campaign"))

    @property
    def custom_inputs(self) -> list:
        return self.section(tuple(self.custom_field_names()))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        owner_given = data.get("owner") or "owner" in self.errors
        if self.editing and not owner_given and not data.get("team"):
            # Creating without an owner makes the creator the owner; editing does not.
            self.add_error(
                "owner",
                _("Choose an owner or a team: without either, only administrators can see it."),
            )
        if self.custom_definitions:
            try:
                custom_fields_clean(record_type=self.record_type, values=self.custom_fields_value())
            except ValidationError as error:
                self.add_service_errors(error)
        return data

    # ---- reading the form for the services ----
    def custom_field_names(self) -> list[str]:
        return [CUSTOM_FIELD_PREFIX + d.key for d in self.custom_definitions]

    def custom_fields_value(self) -> dict[str, Any]:
        return {
            d.key: self.cleaned_data.get(CUSTOM_FIELD_PREFIX + d.key, "")
            for d in self.custom_definitions
        }

    def tags_value(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        seen: dict[str, str] = {}
        for name in raw.split(","):
            name = name.strip()
            if name and name.lower() not in seen:
                seen[name.lower()] = name
        return list(seen.values())

    def record_fields(self, names: tuple[str, ...]) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in names}

    def editing_record(self, record: Any) -> None:
        """The record this form edits: its current owner stays a valid choice even after that
        user was deactivated (saving need not reassign the record)."""
        cast(OwnerField, self.fields["owner"]).current = record.owner_id

    def set_initial_from(self, record: Any) -> None:
        for name in (
            "source",
            "campaign",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "external_id",
        ):
            self.initial[name] = getattr(record, name) or ""
        self.initial["owner"] = record.owner.get_username() if record.owner_id else None
        self.editing_record(record)
        self.initial["team"] = record.team_id
        self.initial["lifecycle_stage"] = record.lifecycle_stage_id
        self.initial["tags"] = ", ".join(tag.name for tag in record.tags.all())
        self.initial["version"] = record.version
        for definition in self.custom_definitions:
            self.initial[CUSTOM_FIELD_PREFIX + definition.key] = custom_field_initial(
                definition, (record.custom_fields or {}).get(definition.key)
            )

    # ---- putting the services' errors next to the right input ----
    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        for key, messages in error.message_dict.items():
            field = self.field_for_error_key(key)
            for message in messages:
                if field and field in self.fields:
                    if message in self.errors.get(field, []):
                        continue
                    # add_error drops the field from cleaned_data; the input stays bound.
                    self.add_error(field, message)
                else:
                    self.add_error(None, message)

    def field_for_error_key(self, key: str) -> str | None:
        if key.startswith("custom_fields."):
            return CUSTOM_FIELD_PREFIX + key.split(".", 1)[1]
        if key.startswith("contact_points."):
            parts = key.split(".")
            try:
                index = int(parts[1])
            except (IndexError, ValueError):
                return None
            used = self.contact_fields_used()
            return used[index] if index < len(used) else None
        if key.endswith("_id") and key[:-3] in self.fields:
            return key[:-3]
        if key in self.fields and key != "version":
            return key
        return None

    def contact_fields_used(self) -> list[str]:
        """The contact inputs that were filled in, in the order they were sent to the service."""
        return [name for name in self.contact_fields if (self.cleaned_data or {}).get(name)]

    def contact_points_value(self) -> list[dict[str, str]]:
        points = []
        for name in self.contact_fields_used():
            kind = CONTACT_FIELD_KINDS[name]
            points.append({"kind": kind, "value": self.cleaned_data[name]})
        return points


def _check_contact(kind: str, value: str) -> str:
    """Check a phone or email as typed, so every mistake shows at once; the value is kept as
    entered (the service stores it and its normalised form)."""
    value = (value or "").strip()
    if not value:
        return value
    if kind == ContactKind.EMAIL:
        normalise_email(value)
    else:
        normalise_phone(value)
    return value


class ContactInputsMixin:
    """Phone, WhatsApp and email inputs of a create form, checked as they are cleaned."""

    cleaned_data: dict[str, Any]  # the form's it is mixed into

    def clean_phone(self) -> str:
        return _check_contact(ContactKind.PHONE, self.cleaned_data.get("phone", ""))

    def clean_whatsapp(self) -> str:
        return _check_contact(ContactKind.WHATSAPP, self.cleaned_data.get("whatsapp", ""))

    def clean_email(self) -> str:
        return _check_contact(ContactKind.EMAIL, self.cleaned_data.get("email", ""))


CONTACT_FIELD_KINDS = {
    "phone": ContactKind.PHONE,
    "whatsapp": ContactKind.WHATSAPP,
    "email": ContactKind.EMAIL,
}

# The fields every customer record's form edits, after its own.
CUSTOMER_RECORD_FIELDS = (
    "external_id",
    "owner",
    "team",
    "lifecycle_stage",
    "source",
    "campaign",
    "utm_source",
    "utm_medium",
    "utm_campaign",
)
PERSON_RECORD_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "date_of_birth",
    "gender",
    "preferred_language",
    *CUSTOMER_RECORD_FIELDS,
    "lost_at",
    "lost_to",
)


class PersonForm(ContactInputsMixin, CustomerRecordForm):
    record_type = "person"
    contact_fields = ("phone", "whatsapp", "email")
    record_fields_names = PERSON_RECORD_FIELDS

    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    middle_name = forms.CharField(label=_("Middle name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", "—"), *Gender.choices]
    )
    preferred_language = forms.CharField(
        label=_("Preferred language"), max_length=20, required=False
    )
    lost_at = forms.DateField(label=_("Lost on"), required=False, widget=DateInput())
    lost_to = forms.CharField(label=_("Lost to (competitor)"), max_length=150, required=False)
    phone = phone_input(_("Phone"), help_text=_("Any format: 0803 123 4567, +234 803 123 4567…"))
    whatsapp = phone_input(_("WhatsApp"))
    email = email_input()

    field_order = [
        "first_name",
        "middle_name",
        "last_name",
        "phone",
        "whatsapp",
        "email",
        "lifecycle_stage",
        "owner",
        "team",
        "tags",
        "date_of_birth",
        "gender",
        "preferred_language",
        "source",
        "campaign",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "external_id",
    ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not any(data.get(name) for name in ("first_name", "middle_name", "last_name")):
            self.add_error("first_name", _("Give the person at least one name."))
        return data

    def set_initial_from(self, person: Any) -> None:
        super().set_initial_from(person)
        for name in (
            "first_name",
            "middle_name",
            "last_name",
            "gender",
            "preferred_language",
            "lost_to",
        ):
            self.initial[name] = getattr(person, name)
        self.initial["date_of_birth"] = person.date_of_birth
        self.initial["lost_at"] = person.lost_at

    @property
    def sections(self) -> list[FormSection]:
        section = self.section
        return [
            FormSection(_("Name"), section(("first_name", "middle_name", "last_name"))),
            FormSection(
                _("Contact"),
                section(self.contact_fields),
                help=_("More phones, emails and addresses can be added on the person's page."),
                after="identity/partials/duplicate_panel.html",
            ),
            FormSection(
                _("Relationship"),
                section(("lifecycle_stage", "owner", "team", "tags", "lost_at", "lost_to")),
            ),
            FormSection(_("More about them"), self.custom_inputs),
            FormSection(
                _("About"),
                section(("date_of_birth", "gender", "preferred_language", "external_id")),
            ),
            FormSection(_("Where they came from"), self.acquisition_fields),
        ]


ORGANISATION_RECORD_FIELDS = ("name", "industry", *CUSTOMER_RECORD_FIELDS)


class OrganisationForm(ContactInputsMixin, CustomerRecordForm):
    record_type = "organisation"
    contact_fields = ("phone", "email")
    record_fields_names = ORGANISATION_RECORD_FIELDS

    name = forms.CharField(label=_("Name"), max_length=200)
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    phone = phone_input(_("Phone"))
    email = email_input()

    def set_initial_from(self, organisation: Any) -> None:
        super().set_initial_from(organisation)
        self.initial["name"] = organisation.name
        self.initial["industry"] = organisation.industry

    @property
    def sections(self) -> list[FormSection]:
        section = self.section
        return [
            FormSection(_("Organisation"), section(("name", "industry", *self.contact_fields))),
            FormSection(
                _("Relationship"),
                section(("lifecycle_stage", "owner", "team", "tags", "external_id")),
            ),
            FormSection(_("More about it"), self.custom_inputs),
            FormSection(_("Where it came from"), self.acquisition_fields),
        ]


class ContactPointForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices)
    value = forms.CharField(
        label=_("Value"),
        max_length=500,
        required=False,
        help_text=_(
            "Phone in any format, email, handle or web address. For an address, fill in the lines below."
        ),
    )
    label = forms.CharField(
        label=_("Label"), max_length=50, required=False, help_text=_("home, work, shop…")
    )
    is_primary = forms.BooleanField(label=_("Primary"), required=False)
    street = forms.CharField(label=_("Street"), max_length=255, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    state = forms.CharField(label=_("State"), max_length=100, required=False)
    country = forms.CharField(
        label=_("Country"), max_length=2, required=False, help_text=_("ISO code, e.g. NG")
    )

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class MembershipForm(ServiceErrorsMixin, forms.Form):
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        queryset=None, label=_("Organisation"), empty_label=_("Choose…")
    )
    role = forms.CharField(label=_("Role or title"), max_length=150, required=False)
    is_primary = forms.BooleanField(label=_("Main organisation"), required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Organisation]", self.fields["organisation"])
        field.queryset = organisations


class ConsentForm(ServiceErrorsMixin, forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    status = forms.ChoiceField(label=_("Answer"), choices=ConsentStatus.choices)
    method = forms.ChoiceField(
        label=_("How"), choices=ConsentMethod.choices, initial=ConsentMethod.STAFF
    )
    text_shown = forms.CharField(
        label=_("What they were told"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PersonFilterForm(forms.Form):
    """The declared filters of the people list (the same keys filter_people, the API and exports read)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    # Owner and tag are type-ahead pickers, not selects: a business with hundreds of staff and
    # thousands of tags must not load them all on every list view. Without JavaScript they are
    # text fields taking a username ("me", "none") or a tag name.
    owner = forms.CharField(
        label=_("Owner"),
        required=False,
        max_length=150,
        widget=StaffLookupInput(
            find=_filter_owner,
            shortcuts=[(OWNER_ME, _("Me")), (OWNER_NONE, _("Nobody"))],
            labels={OWNER_ME: _("Me"), OWNER_NONE: _("Nobody")},
            attrs={"placeholder": _("Anyone")},
        ),
    )
    team = forms.ChoiceField(label=_("Team"), required=False)
    tag = forms.CharField(
        label=_("Tag"),
        required=False,
        max_length=70,
        widget=LookupInput(
            source=reverse_lazy("extras:tag_lookup"), attrs={"placeholder": _("Any tag")}
        ),
    )
    source = forms.CharField(label=_("Source"), required=False, max_length=100)
    created_after = forms.DateField(label=_("Created from"), required=False, widget=DateInput())
    created_before = forms.DateField(label=_("Created to"), required=False, widget=DateInput())
    needs_attention = forms.BooleanField(
        label=_("Needs attention"),
        required=False,
        help_text=_("Only records holding a value kept as typed, such as an unreadable phone."),
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    record_type = "person"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["stage"]).choices = [("", _("Any stage"))] + [
            (stage.key, stage.label) for stage in LifecycleStage.objects.order_by("position")
        ]
        cast(forms.ChoiceField, self.fields["team"]).choices = [("", _("Any team"))] + [
            (str(team.pk), team.name) for team in Team.objects.order_by("name")
        ]
        self._show_selected_tag()
        self.custom_definitions = list(
            CustomFieldDefinition.objects.filter(record_type=self.record_type).order_by(
                "position", "label"
            )
        )
        for definition in self.custom_definitions:
            field = custom_field_input(definition)
            field.required = False
            self.fields[f"cf.{definition.key}"] = field

    def _replace_value(self, name: str, value: str) -> None:
        self.data = cast("QueryDict", self.data).copy()  # request.GET (read-only) or a dict
        self.data[name] = value

    def _show_selected_tag(self) -> None:
        """A link with a tag slug (the API's form, older bookmarks) shows the tag's name."""
        value = (self.data.get("tag") or "").strip()
        if not value:
            return
        tag = tag_matching(value).only("name").first()
        if tag is None:
            self.fields["tag"].widget.selected_label = _("No tag has this name.")
        elif tag.name != value:
            self._replace_value("tag", tag.name)

    @property
    def custom_inputs(self) -> list:
        return [self[f"cf.{d.key}"] for d in self.custom_definitions]

    @property
    def main_inputs(self) -> list:
        return [self[name] for name in ("q", "stage", "owner", "team", "tag")]

    @property
    def more_inputs(self) -> list:
        return [
            self[name] for name in ("source", "created_after", "created_before", "needs_attention")
        ]

    def has_more_values(self) -> bool:
        names = ["source", "created_after", "created_before", "needs_attention"] + [
            f"cf.{d.key}" for d in self.custom_definitions
        ]
        return any(self.data.get(name) for name in names)


class OrganisationFilterForm(PersonFilterForm):
    record_type = "organisation"
