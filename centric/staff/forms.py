"""Forms for the staff pages. They parse and validate input; the services do the writes."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from centric.core.models import AuditEvent
from centric.core.records import registry
from centric.staff.models import Team, User


def record_permission_rows() -> list[tuple[str, str, str]]:
    """The role editor's grid: every record type registered with the kit, and its parts, down;
    actions across."""
    rows: list[tuple[str, str, str]] = []
    for record_type in registry.record_types():
        for model in record_type.covered_models:
            opts = model._meta
            rows.append(
                (
                    capfirst(str(opts.verbose_name_plural)),
                    opts.app_label,
                    cast(str, opts.model_name),
                )
            )
    return rows


SETTINGS_PERMISSION_ROWS = [
    (_("Tags"), "extras", "tag"),
    (_("Custom fields"), "extras", "customfielddefinition"),
    (_("Lifecycle stages"), "customers", "lifecyclestage"),
    (_("Ticket statuses"), "tickets", "ticketstatus"),
    (_("Ticket categories"), "tickets", "ticketcategory"),
]
ACTIONS = [("view", _("View")), ("add", _("Add")), ("change", _("Change")), ("delete", _("Delete"))]
SPECIAL_PERMISSIONS = [
    ("customers.export_person", _("Export people")),
    ("customers.import_person", _("Import people")),
    ("imports.add_importjob", _("Run imports")),
    ("imports.view_importjob", _("See imports")),
    ("core.see_all_records", _("See all records, whatever their visibility")),
    ("customers.view_all_person", _("Look up every person, whoever owns them (service desks)")),
    (
        "customers.view_all_organisation",
        _("Look up every organisation, whoever owns them (service desks)"),
    ),
    ("core.view_auditevent", _("Read the audit log")),
    ("staff.view_user", _("See the staff directory, emails included")),
    ("staff.view_team", _("See the teams")),
    ("staff.manage_staff", _("Manage staff users, teams, roles and settings")),
]


def installed_permissions() -> set[str]:
    return {
        f"{app}.{code}"
        for app, code in Permission.objects.values_list("content_type__app_label", "codename")
    }


def permission_grid(selected: set[str]) -> dict:
    """The role editor's checkboxes, grouped by record type, with the current selection."""
    installed = installed_permissions()

    def rows(spec):
        result = []
        for label, app, model in spec:
            cells = []
            for action, action_label in ACTIONS:
                dotted = f"{app}.{action}_{model}"
                cells.append(
                    {
                        "name": dotted,
                        "action": action_label,
                        "installed": dotted in installed,
                        "checked": dotted in selected,
                    }
                )
            result.append({"label": label, "cells": cells})
        return result

    special = [
        {"name": name, "label": label, "checked": name in selected}
        for name, label in SPECIAL_PERMISSIONS
        if name in installed
    ]
    return {
        "actions": [label for _action, label in ACTIONS],
        "records": rows(record_permission_rows()),
        "settings": rows(SETTINGS_PERMISSION_ROWS),
        "special": special,
    }


def grid_permission_names() -> set[str]:
    names = {name for name, _label in SPECIAL_PERMISSIONS}
    for _label, app, model in record_permission_rows() + SETTINGS_PERMISSION_ROWS:
        names.update(f"{app}.{action}_{model}" for action, _l in ACTIONS)
    return names & installed_permissions()


class RoleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    description = forms.CharField(label=_("Description"), max_length=255, required=False)
    requires_mfa = forms.BooleanField(
        label=_("Requires two-factor sign-in"),
        required=False,
        help_text=_("Members must set up an authenticator app before they can use Centric."),
    )
    permissions = forms.MultipleChoiceField(
        label=_("Permissions"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, role: Group | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.role = role
        cast("forms.MultipleChoiceField", self.fields["permissions"]).choices = [
            (n, n) for n in sorted(grid_permission_names())
        ]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Group.objects.filter(name__iexact=name)
        if self.role is not None:
            clash = clash.exclude(pk=self.role.pk)
        if clash.exists():
            raise ValidationError(_("Another role already has this name."))
        return name


class _UserFieldsForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.order_by("name"), required=False
    )
    roles = forms.ModelMultipleChoiceField(
        label=_("Roles"),
        queryset=Group.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class UserCreateForm(_UserFieldsForm):
    PASSWORD_SET = "set"
    PASSWORD_LATER = "later"

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @/./+/-/_ only. Used to sign in."),
    )
    password_choice = forms.ChoiceField(
        label=_("Password"),
        choices=[
            (PASSWORD_SET, _("Set a password now")),
            (PASSWORD_LATER, _("Send nothing; set a password later")),
        ],
        initial=PASSWORD_LATER,
        widget=forms.RadioSelect,
    )
    password1 = forms.CharField(
        label=_("New password"), widget=forms.PasswordInput(render_value=False), required=False
    )
    password2 = forms.CharField(
        label=_("New password again"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
    )

    field_order = ["username", "first_name", "last_name", "email", "phone", "team", "roles"]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is taken."))
        return username

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password_choice") == self.PASSWORD_SET:
            password1 = cleaned.get("password1") or ""
            if not password1:
                self.add_error("password1", _("Enter a password, or choose to set one later."))
            elif password1 != cleaned.get("password2"):
                self.add_error("password2", _("The two passwords differ."))
            else:
                candidate = User(
                    username=cleaned.get("username") or "",
                    email=cleaned.get("email") or "",
                    first_name=cleaned.get("first_name") or "",
                    last_name=cleaned.get("last_name") or "",
                )
                try:
                    validate_password(password1, user=candidate)
                except ValidationError as error:
                    self.add_error("password1", error)
        return cleaned


class UserEditForm(_UserFieldsForm):
    pass


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(label=_("New password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("New password again"), widget=forms.PasswordInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Team.Kind.choices)
    lead = forms.ModelChoiceField(
        label=_("Lead"),
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
    )
    parent = forms.ModelChoiceField(
        label=_("Parent team"), queryset=Team.objects.order_by("name"), required=False
    )


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What will use it, e.g. “Shop website”.")
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires"),
        coerce=int,
        choices=[
            (30, _("In 30 days")),
            (90, _("In 90 days")),
            (365, _("In a year")),
            (0, _("Never")),
        ],
        initial=90,
    )


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds"))] + AuditEvent.Kind.choices, required=False
    )
    user = forms.CharField(label=_("User"), max_length=150, required=False)
