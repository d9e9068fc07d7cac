"""Staff users, teams and roles: the writes."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from centric.core.audit import audit
from centric.core.models import AuditEvent
from centric.staff.models import RoleProfile, Team, User


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
) -> User:
    user = User(
        username=username,
        email=email,
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
def user_set_roles(*, user: User, roles: list[Group], actor: User | None) -> User:
    before = sorted(user.groups.values_list("name", flat=True))
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
def team_create(
    *, name: str, kind: str = Team.Kind.OTHER, lead: User | None = None, parent: Team | None = None
) -> Team:
    team = Team(name=name, kind=kind, lead=lead, parent=parent)
    team.full_clean()
    team.save()
    return team


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
    group, _created = Group.objects.get_or_create(name=name)
    perms = []
    for dotted in permissions:
        app_label, codename = dotted.split(".", 1)
        perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    group.permissions.set(perms)
    RoleProfile.objects.update_or_create(
        group=group, defaults={"requires_mfa": requires_mfa, "description": description}
    )
    audit(
        AuditEvent.Kind.PERMISSION_CHANGE,
        actor=actor,
        detail={"role": name, "permissions": sorted(permissions)},
    )
    return group
