"""The roles a new Centric business starts with. Administrators can change them afterwards."""

from __future__ import annotations

RECORD_MODELS = [
    "customers.person",
    "customers.organisation",
    "customers.contactpoint",
    "customers.consent",
    "customers.membership",
    "interactions.interaction",
]


def _perms(models: list[str], actions: tuple[str, ...]) -> list[str]:
    result = []
    for dotted in models:
        app_label, model = dotted.split(".")
        result.extend(f"{app_label}.{action}_{model}" for action in actions)
    return result


ALL_RECORD_PERMS = _perms(RECORD_MODELS, ("view", "add", "change", "delete"))
FRONT_LINE_PERMS = _perms(RECORD_MODELS, ("view", "add", "change"))
READ_ONLY_PERMS = _perms(RECORD_MODELS, ("view",))

DEFAULT_ROLES: dict[str, dict] = {
    "Administrator": {
        "permissions": ALL_RECORD_PERMS
        + [
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
        ],
        "requires_mfa": False,
        "description": "Everything, including staff and settings.",
    },
    "Manager": {
        "permissions": ALL_RECORD_PERMS
        + [
            "imports.add_importjob",
            "imports.view_importjob",
            "customers.export_person",
            "customers.import_person",
            "identity.add_resolutionrun",
            "identity.view_resolutionrun",
            "core.view_auditevent",
        ],
        "requires_mfa": False,
        "description": "Runs a team: sees the team's and its members' records, imports and exports.",
    },
    "Front office": {
        "permissions": FRONT_LINE_PERMS + ["extras.add_tag"],
        "requires_mfa": False,
        "description": "Sales, service and marketing staff working their own customers.",
    },
    "Read only": {
        "permissions": READ_ONLY_PERMS,
        "requires_mfa": False,
        "description": "Sees, never changes.",
    },
}


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
            permissions=[p for p in spec["permissions"] if p in existing],
            requires_mfa=spec["requires_mfa"],
            description=spec["description"],
        )
