"""A role's TOTP requirement: who lacks it, in Python and as SQL for the API's hot path.

A user lacks required TOTP while one of their roles requires two-factor sign-in
(`RoleProfile.requires_mfa`) and they have no TOTP authenticator (allauth's `Authenticator` of
type TOTP). Pages send such users to set it up (`staff.middleware`); their API tokens are refused
and cannot be created (`staff.services.tokens`, decision 0025).
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator

from centric.staff.models import RoleProfile, User


def lacks_required_totp(user: Any) -> bool:
    """True when a role of `user` requires TOTP and `user` has not set it up."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not RoleProfile.objects.filter(group__user=user, requires_mfa=True).exists():
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def lacks_required_totp_sql(user_id_sql: str) -> str:
    """SQL giving 1 when the user whose id is the SQL expression `user_id_sql` lacks required
    TOTP, else 0. Identifiers come from model metadata; the TOTP type is a bound parameter
    (the one `%s`, see `lacks_required_totp_params`)."""
    groups = User.groups.field
    user_groups = groups.remote_field.through._meta.db_table  # type: ignore[union-attr]  # set once models load
    owner = Authenticator._meta.get_field("user").column
    kind = Authenticator._meta.get_field("type").column
    return (
        f"CASE WHEN EXISTS (SELECT 1 FROM {RoleProfile._meta.db_table} rp "  # noqa: S608
        f"JOIN {user_groups} ug ON ug.{groups.m2m_reverse_name()} = rp.group_id "
        f"WHERE ug.{groups.m2m_column_name()} = {user_id_sql} AND rp.requires_mfa) "
        f"AND NOT EXISTS (SELECT 1 FROM {Authenticator._meta.db_table} a "
        f"WHERE a.{owner} = {user_id_sql} AND a.{kind} = %s) THEN 1 ELSE 0 END"
    )


def lacks_required_totp_params() -> list[str]:
    return [str(Authenticator.Type.TOTP)]
