"""The roles a new Centric business starts with. Administrators can change them afterwards."""

from __future__ import annotations

from typing import Any

from centric.core.records import RECORD_ACTIONS, registry

# What each default role may do with every registered record type and its parts; a record type
# may give a role fewer actions (`role_actions` in its registration).
ROLE_RECORD_ACTIONS: dict[str, tuple[str, ...]] = {
    "Administrator": RECORD_ACTIONS,
    "Manager": RECORD_ACTIONS,
    "Front office": ("view", "add", "change"),
    "Service desk": ("view", "add", "change"),
    "Read only": ("view",),
}


def record_permissions(role: str) -> list[str]:
    """The record permissions a default role starts with, from the record kit's registry."""
    default = ROLE_RECORD_ACTIONS.get(role, ())
    result: list[str] = []
    for record_type in registry.record_types():
        actions = record_type.role_actions.get(role, default)
        for model in record_type.covered_models:
            opts = model._meta
            result.extend(f"{opts.app_label}.{action}_{opts.model_name}" for action in actions)
    return result


# The permissions beyond the record types' (settings, staff, imports…); see `role_permissions`.
DEFAULT_ROLES: dict[str, dict[str, Any]] = {
    "Administrator": {
        "permissions": [
            "core.see_all_records",
            "staff.manage_staff",
            "staff.view_user",
            "staff.view_team",
            "extras.add_tag",
            "extras.change_customfielddefinition",
            "extras.add_customfielddefinition",
            "extras.view_customfielddefinition",
            "imports.add_importjob",
            "imports.view_importjob",
            "customers.export_person",
            "customers.import_person",
            "core.view_auditevent",
            "extras.change_tag",
            "extras.delete_tag",
            "extras.view_tag",
            "extras.delete_customfielddefinition",
            "customers.view_lifecyclestage",
            "customers.add_lifecyclestage",
            "customers.change_lifecyclestage",
            "customers.delete_lifecyclestage",
            "identity.add_resolutionrun",
            "identity.view_resolutionrun",
            "identity.view_identitysettings",
            "identity.change_identitysettings",
            "sales.view_pipeline",
            "sales.add_pipeline",
            "sales.change_pipeline",
            "sales.add_lostreason",
            "sales.change_lostreason",
            "sales.add_competitor",
            "sales.change_competitor",
            "sales.add_exchangerate",
            "sales.change_exchangerate",
            "tickets.add_ticketstatus",
            "tickets.change_ticketstatus",
            "tickets.add_ticketcategory",
            "tickets.change_ticketcategory",
            "leads.view_scoringrule",
            "leads.add_scoringrule",
            "leads.change_scoringrule",
            "leads.add_assignmentrule",
            "leads.change_assignmentrule",
            "quotes.add_product",
            "quotes.change_product",
            "quotes.add_pricelist",
            "quotes.change_pricelist",
            "quotes.add_taxrate",
            "quotes.change_taxrate",
            "webhooks.add_webhookendpoint",
            "webhooks.change_webhookendpoint",
            "webhooks.view_webhookendpoint",
            "orders.view_orderstatusupdate",
            "orders.add_orderstatusupdate",
            "goodwill.approve_goodwillaction",
            "goodwill.add_goodwilllimit",
            "goodwill.change_goodwilllimit",
            "goodwill.add_goodwillreason",
            "goodwill.change_goodwillreason",
            "tickets.view_npssurvey",
            "tickets.add_npssurvey",
        ],
        "requires_mfa": False,
        "description": "Everything, including staff and settings.",
    },
    "Manager": {
        "permissions": [
            "sales.add_competitor",
            "leads.add_assignmentrule",
            "leads.change_assignmentrule",
            "imports.add_importjob",
            "imports.view_importjob",
            "customers.export_person",
            "customers.import_person",
            "identity.add_resolutionrun",
            "identity.view_resolutionrun",
            "core.view_auditevent",
            "goodwill.approve_goodwillaction",
            "tickets.view_npssurvey",
            "tickets.add_npssurvey",
        ],
        "requires_mfa": False,
        "description": "Runs a team: sees the team's and its members' records, imports and exports.",
    },
    "Front office": {
        "permissions": ["extras.add_tag"],
        "requires_mfa": False,
        "description": "Sales, service and marketing staff working their own customers.",
    },
    "Service desk": {
        # Finds every caller; what other teams own about them follows its own rule.
        "permissions": [
            "extras.add_tag",
            "customers.view_all_person",
            "customers.view_all_organisation",
        ],
        "requires_mfa": False,
        "description": "Service staff: look up any customer who calls, work their own records.",
    },
    "Read only": {
        "permissions": [],
        "requires_mfa": False,
        "description": "Sees, never changes.",
    },
}


def role_permissions(role: str) -> list[str]:
    """Every permission a default role starts with: its record permissions and its others."""
    return record_permissions(role) + list(DEFAULT_ROLES[role]["permissions"])


def ensure_default_roles() -> None:
    """Create the default roles if missing (idempotent); skips permissions not installed yet."""
    from django.contrib.auth.models import Permission

    from centric.staff.services.users import role_create

    existing = {
        f"{app}.{code}"
        for app, code in Permission.objects.values_list("content_type__app_label", "codename")
    }
    for name, spec in DEFAULT_ROLES.items():
        role_create(
            name=name,
            permissions=[p for p in role_permissions(name) if p in existing],
            requires_mfa=spec["requires_mfa"],
            description=spec["description"],
        )
