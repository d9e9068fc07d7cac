"""Staff users, teams and roles: the writes.

Every change of a role's permissions or of a user's roles writes a `permission_change` audit event
in the same transaction.

No escalation (decision 0027): an actor who is not a superuser may not change a superuser's
account (profile, team, roles, password, deactivation), make anyone a superuser, or grant a
permission they do not hold themselves (through a role given to a user, or added to a role).
`actor=None` is the system (migrations, default roles, management commands) and is not checked.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centric.core.audit import audit
from centric.core.models import AuditEvent
from centric.staff.models import RoleProfile, Team, User

USER_FIELDS = ("first_name", "last_name", "email", "phone", "team")


def _check_may_change_account(actor: User | None, user: User) -> None:
    """Only a superuser changes a superuser's account: else a staff manager could take it over."""
    if actor is not None and user.is_superuser and not actor.is_superuser:
        raise PermissionDenied(_("Only a superuser can change a superuser's account."))


def _check_may_grant(actor: User | None, permissions: set[str]) -> None:
    """An actor grants only permissions they hold themselves (superusers hold all)."""
    if actor is None or actor.is_superuser or not permissions:
        return
    missing = sorted(permissions - actor.get_all_permissions())
    if missing:
        raise PermissionDenied(
            _("You cannot grant permissions you do not have yourself: %(names)s.")
            % {"names": ", ".join(missing)}
        )


def _role_permissions(roles: list[Group]) -> set[str]:
    return {
        f"{app}.{code}"
        for app, code in Permission.objects.filter(group__in=roles).values_list(
            "content_type__app_label", "codename"
        )
    }


def _check_email_free(email: str, *, exclude_pk: int | None = None) -> None:
    """Staff sign in by email too, so two accounts may not share one."""
    if not email:
        return
    clash = User.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"email": _("Another staff account already uses this email.")})


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    team: Team | None = None,
    roles: list[Group] | None = None,
    is_superuser: bool = False,
    actor: User | None = None,
    phone: str = "",
) -> User:
    """Create a staff user; without a password the account cannot sign in until one is set."""
    if is_superuser and actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("Only a superuser can make another superuser."))
    if roles:
        _check_may_grant(actor, _role_permissions(roles))
    email = (email or "").strip().lower()
    user = User(
        username=username,
        email=email,
        phone=phone,
        first_name=first_name,
        last_name=last_name,
        team=team,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    _check_email_free(email)
    user.save()
    if roles:
        user.groups.set(roles)
        audit(
            AuditEvent.Kind.PERMISSION_CHANGE,
            actor=actor,
            detail={"user": username, "roles": [r.name for r in roles]},
        )
    return user


@transaction.atomic
def user_update(*, user: User, actor: User | None, **fields: Any) -> User:
    """Change a user's profile (names, email, phone, team)."""
    _check_may_change_account(actor, user)
    unknown = set(fields) - set(USER_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    if "email" in fields:
        fields["email"] = (fields["email"] or "").strip().lower()
        _check_email_free(fields["email"], exclude_pk=user.pk)
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str, actor: User | None) -> User:
    """Set a new password (validated by the configured password validators)."""
    _check_may_change_account(actor, user)
    validate_password(password, user=user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit(
        AuditEvent.Kind.PERMISSION_CHANGE,
        actor=actor,
        detail={"user": user.username, "password": "set"},
    )
    return user


@transaction.atomic
def user_set_roles(*, user: User, roles: list[Group], actor: User | None) -> User:
    """Replace a user's roles. Roles the user already holds may stay whatever the actor holds;
    a role being added may carry only permissions the actor has."""
    _check_may_change_account(actor, user)
    held = set(user.groups.values_list("pk", flat=True))
    _check_may_grant(actor, _role_permissions([r for r in roles if r.pk not in held]))
    before = sorted(user.groups.values_list("name", flat=True))
    if actor is not None and actor.pk == user.pk and not user.is_superuser:
        keeps_manage = Permission.objects.filter(
            group__in=roles, content_type__app_label="staff", codename="manage_staff"
        ).exists()
        if user.has_perm("staff.manage_staff") and not keeps_manage:
            raise ValidationError(
                {"roles": _("You cannot take away your own right to manage staff.")}
            )
    user.groups.set(roles)
    after = sorted(r.name for r in roles)
    if before != after:
        audit(
            AuditEvent.Kind.PERMISSION_CHANGE,
            actor=actor,
            detail={"user": user.username, "before": before, "after": after},
        )
    return user


@transaction.atomic
def user_deactivate(*, user: User, actor: User | None) -> User:
    """Deactivate a user: their sessions end and their API tokens stop working at once."""
    _check_may_change_account(actor, user)
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    user_id = str(user.pk)
    doomed = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(session_key__in=doomed).delete()
    audit(
        AuditEvent.Kind.USER_DEACTIVATED,
        actor=actor,
        detail={"user": user.username, "sessions_ended": len(doomed)},
    )
    return user


@transaction.atomic
def user_reactivate(*, user: User, actor: User | None) -> User:
    """Let a deactivated user sign in again. Their old API tokens stay revoked."""
    _check_may_change_account(actor, user)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit(
            AuditEvent.Kind.PERMISSION_CHANGE,
            actor=actor,
            detail={"user": user.username, "active": True},
        )
    return user


def _check_team_parent(team: Team, parent: Team | None) -> None:
    """A team may not sit below itself: walk up from the new parent and refuse a loop."""
    if parent is None:
        return
    if team.pk is None:
        return
    seen: set[int] = set()
    current: Team | None = parent
    while current is not None:
        if current.pk == team.pk:
            raise ValidationError(
                {
                    "parent": _(
                        "“%(parent)s” is %(team)s itself or one of the teams below it; "
                        "a team cannot sit below itself."
                    )
                    % {"parent": parent.name, "team": team.name}
                }
            )
        if current.pk in seen:  # a loop already in the data; stop rather than spin
            break
        seen.add(current.pk)
        current = current.parent


@transaction.atomic
def team_create(
    *, name: str, kind: str = Team.Kind.OTHER, lead: User | None = None, parent: Team | None = None
) -> Team:
    team = Team(name=name, kind=kind, lead=lead, parent=parent)
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def team_update(
    *,
    team: Team,
    actor: User | None,
    name: str,
    kind: str,
    lead: User | None = None,
    parent: Team | None = None,
) -> Team:
    """Change a team. Refuses a parent that would put the team below itself."""
    team = Team.objects.select_for_update().get(pk=team.pk)
    _check_team_parent(team, parent)
    before = (team.lead_id, team.parent_id)
    team.name, team.kind, team.lead, team.parent = name, kind, lead, parent
    team.full_clean()
    team.save()
    if before != (team.lead_id, team.parent_id):
        # The lead and the hierarchy decide who sees a team's private records.
        audit(
            AuditEvent.Kind.PERMISSION_CHANGE,
            actor=actor,
            detail={
                "team": team.name,
                "lead": team.lead.username if team.lead else None,
                "parent": team.parent.name if team.parent else None,
            },
        )
    return team


def _permissions_from_names(permissions: list[str]) -> list[Permission]:
    perms = []
    for dotted in permissions:
        app_label, _dot, codename = dotted.partition(".")
        try:
            perms.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        except Permission.DoesNotExist as error:
            raise ValidationError(
                {"permissions": _("Unknown permission “%(name)s”.") % {"name": dotted}}
            ) from error
    return perms


def role_permission_names(role: Group) -> list[str]:
    return sorted(
        f"{app}.{code}"
        for app, code in role.permissions.values_list("content_type__app_label", "codename")
    )


@transaction.atomic
def role_create(
    *,
    name: str,
    permissions: list[str],
    requires_mfa: bool = False,
    description: str = "",
    actor: User | None = None,
) -> Group:
    """Create (or update) a role from permission names like "customers.view_person"."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("A role needs a name.")})
    granted = _permissions_from_names(permissions)
    group, _created = Group.objects.get_or_create(name=name)
    _check_may_grant(actor, set(permissions) - set(role_permission_names(group)))
    group.permissions.set(granted)
    RoleProfile.objects.update_or_create(
        group=group, defaults={"requires_mfa": requires_mfa, "description": description}
    )
    audit(
        AuditEvent.Kind.PERMISSION_CHANGE,
        actor=actor,
        detail={"role": name, "permissions": sorted(permissions), "requires_mfa": requires_mfa},
    )
    return group


@transaction.atomic
def role_update(
    *,
    role: Group,
    actor: User | None,
    name: str,
    permissions: list[str],
    requires_mfa: bool = False,
    description: str = "",
) -> Group:
    """Rename a role and replace its permissions; audited with what was added and removed."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("A role needs a name.")})
    if Group.objects.filter(name__iexact=name).exclude(pk=role.pk).exists():
        raise ValidationError({"name": _("Another role already has this name.")})
    granted = _permissions_from_names(permissions)
    before = set(role_permission_names(role))
    _check_may_grant(actor, set(permissions) - before)
    profile, _created = RoleProfile.objects.get_or_create(group=role)
    mfa_before = profile.requires_mfa
    role.name = name
    role.save(update_fields=["name"])
    role.permissions.set(granted)
    profile.requires_mfa = requires_mfa
    profile.description = description
    profile.save()
    after = set(permissions)
    if before != after or mfa_before != requires_mfa:
        audit(
            AuditEvent.Kind.PERMISSION_CHANGE,
            actor=actor,
            detail={
                "role": name,
                "added": sorted(after - before),
                "removed": sorted(before - after),
                "requires_mfa": requires_mfa,
            },
        )
    return role


@transaction.atomic
def user_set_away(user: Any, *, away: bool) -> Any:
    """Say one is away (leave, off sick) or back: assignment rules pass over who is away."""
    user.is_away = away
    user.save(update_fields=["is_away"])
    return user
