"""Permission checks for API endpoints, on top of the one visibility rule.

- Lacking the model permission for a collection (listing or creating people) is a 403.
- A record the user may not see is a 404, with the same body as a missing id (no existence leak),
  also when the role lacks the view permission at all: look the record up before anything else.
- A record the user may see but not change (or delete) is a 403 (and a `permission_denied` audit
  event). Pages answer exactly the same (decision 0045; the permission matrix tests it).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from centric.core.visibility import has_model_permission


def require_model_perm(user: Any, model: type[models.Model], action: str) -> None:
    if not has_model_permission(user, model, action):
        raise PermissionDenied(
            _("You do not have permission to %(action)s %(things)s.")
            % {"action": action, "things": model._meta.verbose_name_plural}
        )


def require_perm(user: Any, perm: str) -> None:
    if not (user and user.is_active and user.has_perm(perm)):
        raise PermissionDenied(_("You do not have permission to do this."))


def require_change(user: Any, record: models.Model) -> None:
    """The user sees `record`; may they change it? (403 when not.)"""
    manager = type(record).objects  # type: ignore[attr-defined]  # Model has no `objects` in the stubs
    if not manager.visible_to(user, "change").filter(pk=record.pk).exists():
        raise PermissionDenied(_("You may see this record but not change it."))
