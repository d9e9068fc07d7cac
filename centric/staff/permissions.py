"""A user's permissions in one statement, for the API's hot path.

Same rule as Django's ModelBackend: the user's own permissions plus their groups'. The result
fills the cache `ModelBackend` reads (`user._perm_cache`), so `user.has_perm` then costs no
query. Identifiers come from model metadata; the user id is bound or correlated, never formatted.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection


def permission_names_sql(user_id_sql: str) -> str:
    """SQL giving one `app_label.codename` string per permission of the user whose id is the SQL
    expression `user_id_sql` (a `%s` placeholder or a column of an outer query)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    model = get_user_model()
    own = model.user_permissions.field
    groups = model.groups.field
    group_perms = Group.permissions.field
    return (
        f"SELECT ct.app_label || '.' || p.codename AS name "  # noqa: S608 - identifiers only
        f"FROM {Permission._meta.db_table} p "
        f"JOIN {ContentType._meta.db_table} ct ON ct.id = p.content_type_id "
        f"WHERE p.id IN ("
        f"SELECT up.{own.m2m_reverse_name()} FROM {own.remote_field.through._meta.db_table} up "  # type: ignore[union-attr]  # set once models load
        f"WHERE up.{own.m2m_column_name()} = {user_id_sql} "
        f"UNION SELECT gp.{group_perms.m2m_reverse_name()} "
        f"FROM {group_perms.remote_field.through._meta.db_table} gp "  # type: ignore[union-attr]  # set once models load
        f"JOIN {groups.remote_field.through._meta.db_table} ug "  # type: ignore[union-attr]  # set once models load
        f"ON ug.{groups.m2m_reverse_name()} = gp.{group_perms.m2m_column_name()} "
        f"WHERE ug.{groups.m2m_column_name()} = {user_id_sql})"
    )


def permission_list_sql(user_id_sql: str, vendor: str) -> str:
    """One value holding all the user's permission names: an array on PostgreSQL, a JSON array
    on SQLite (no separator a codename could contain)."""
    inner = permission_names_sql(user_id_sql)
    if vendor == "postgresql":
        return f"(SELECT array_agg(perms.name) FROM ({inner}) perms)"  # noqa: S608
    return f"(SELECT json_group_array(perms.name) FROM ({inner}) perms)"  # noqa: S608


def parse_permission_list(value: list[str] | str | None) -> set[str]:
    if value is None:
        return set()
    return set(json.loads(value) if isinstance(value, str) else value)


def preload_permissions(user: Any) -> None:
    """Fill `user._perm_cache` in one statement (nothing to do for superusers, or when filled)."""
    if user.is_superuser or hasattr(user, "_perm_cache"):
        return
    with connection.cursor() as cursor:
        cursor.execute(permission_names_sql("%s"), [user.pk, user.pk])
        user._perm_cache = {row[0] for row in cursor.fetchall()}
