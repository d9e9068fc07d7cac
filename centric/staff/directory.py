"""Who may see which part of the staff directory (decision 0026).

- Colleagues' names (id, username, names, team, active): anyone who works the customer lists,
  because owner pickers and the `owner_id` of records need them, and anyone with
  `staff.view_user` or `staff.manage_staff`.
- Their emails: only `staff.view_user` (the staff directory) or `staff.manage_staff`.
- Teams (names, kinds, leads, parents): `staff.view_team`, `staff.manage_staff`, or anyone who
  works the customer lists (records carry a `team_id` and lists filter by it).
"""

from __future__ import annotations

from typing import Any

MANAGE = "staff.manage_staff"
# Working the customer lists: the owner and team filters and fields need colleagues' names.
CUSTOMER_LISTS = ("customers.view_person", "customers.view_organisation")
NAME_PERMISSIONS = ("staff.view_user", MANAGE, *CUSTOMER_LISTS)
EMAIL_PERMISSIONS = ("staff.view_user", MANAGE)
TEAM_PERMISSIONS = ("staff.view_team", MANAGE, *CUSTOMER_LISTS)


def _has_any(user: Any, permissions: tuple[str, ...]) -> bool:
    return bool(user and user.is_active and any(user.has_perm(p) for p in permissions))


def may_see_staff_names(user: Any) -> bool:
    return _has_any(user, NAME_PERMISSIONS)


def may_see_staff_emails(user: Any) -> bool:
    return _has_any(user, EMAIL_PERMISSIONS)


def may_see_teams(user: Any) -> bool:
    return _has_any(user, TEAM_PERMISSIONS)
