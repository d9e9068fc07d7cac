"""The one visibility rule.

Every list, search, export, count, page and API endpoint reaches records through
`Model.objects.visible_to(user, action)`, which is built here and nowhere else.

The business chooses a level per record type (`VisibilityPolicy`):
- private: the owner, and the leads of the owner's team and of every team above it;
- team: as private, plus everyone in the record's team;
- public_read: everyone may view; changing follows the team rule;
- public_read_write: everyone may view and change.
A user also needs the model's Django permission (`view_…`/`change_…`); without it nothing is
visible. Superusers and holders of `core.see_all_records` see everything; a role holding a
model's `view_all_<model>` permission (people and organisations declare one: a service desk
finds every caller) views every record of that type, and changes them by the rule above.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

_M = TypeVar("_M", bound=models.Model)


class VisibilityLevel(models.TextChoices):
    PRIVATE = "private", _("Private to the owner (and their managers)")
    TEAM = "team", _("Team")
    PUBLIC_READ = "public_read", _("Everyone may view; the team may change")
    PUBLIC_READ_WRITE = "public_read_write", _("Everyone may view and change")


VIEW = "view"
CHANGE = "change"
DEFAULT_LEVEL = VisibilityLevel.TEAM


def record_type_of(model: type[models.Model]) -> str:
    return model._meta.label_lower


def default_level(record_type: str) -> str:
    """A record type's level until the business chooses one (its registration may say)."""
    from centric.core.records import Owned, registry

    if registry.is_registered(record_type):
        visibility = registry.get(record_type).visibility
        if isinstance(visibility, Owned) and visibility.default_level:
            return str(visibility.default_level)
    return str(DEFAULT_LEVEL)


def policy_level(model: type[models.Model]) -> str:
    from centric.core.cache import remember
    from centric.core.models import VisibilityPolicy

    def load() -> dict[str, str]:
        return dict(VisibilityPolicy.objects.values_list("record_type", "level"))

    label = record_type_of(model)
    stored: str | None = remember("visibility:policies", load).get(label)
    return stored if stored is not None else default_level(label)


def has_model_permission(user: Any, model: type[models.Model], action: str) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    opts = model._meta
    allowed: bool = user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
    return allowed


def sees_everything(user: Any) -> bool:
    return bool(user.is_superuser or user.has_perm("core.see_all_records"))


def views_all(user: Any, model: type[models.Model]) -> bool:
    """Whether the user's role reads every record of the type, whoever owns it (a service desk
    looks up any caller): the model's `view_all_<model>` permission, where it declares one."""
    opts = model._meta
    return bool(user.has_perm(f"{opts.app_label}.view_all_{opts.model_name}"))


def visibility_q(
    model: type[models.Model], user: Any, action: str = VIEW, prefix: str = ""
) -> Q | None:
    """The filter for `model` rows `user` may act on; None means "nothing".

    `prefix` lets a dependent model (an interaction, a contact point) reuse the rule of the
    record it belongs to, e.g. prefix="person__".
    """
    if not has_model_permission(user, model, action):
        return None
    if sees_everything(user) or (action == VIEW and views_all(user, model)):
        return Q()
    level = policy_level(model)
    if level == VisibilityLevel.PUBLIC_READ_WRITE or (
        level == VisibilityLevel.PUBLIC_READ and action == VIEW
    ):
        return Q()
    managed = user.managed_team_ids()
    rule = Q(**{f"{prefix}owner_id": user.pk})
    if managed:
        rule |= Q(**{f"{prefix}owner__team_id__in": managed})
    if level != VisibilityLevel.PRIVATE:
        teams = set(managed)
        if user.team_id:
            teams.add(user.team_id)
        if teams:
            rule |= Q(**{f"{prefix}team_id__in": sorted(teams)})
    return rule


@dataclass(frozen=True)
class VisibleScope:
    """Whose records `visibility_q` lets a user see, in words a page can say.

    `everything`: the whole business. Otherwise the records of `team_ids` (the user's team and
    the teams they lead, when the policy is not private), and always the user's own records and,
    for a team lead, those owned by the lead's teams' members.
    """

    everything: bool
    team_ids: tuple[int, ...] = ()
    own_records: bool = True


def visibility_scope(model: type[models.Model], user: Any, action: str = VIEW) -> VisibleScope:
    """The scope of `visibility_q(model, user, action)`, built from the same rule."""
    if not has_model_permission(user, model, action):
        return VisibleScope(everything=False, own_records=False)
    if sees_everything(user) or (action == VIEW and views_all(user, model)):
        return VisibleScope(everything=True)
    level = policy_level(model)
    if level == VisibilityLevel.PUBLIC_READ_WRITE or (
        level == VisibilityLevel.PUBLIC_READ and action == VIEW
    ):
        return VisibleScope(everything=True)
    teams = set(user.managed_team_ids())
    if level != VisibilityLevel.PRIVATE and user.team_id:
        teams.add(user.team_id)
    return VisibleScope(everything=False, team_ids=tuple(sorted(teams)))


class VisibleQuerySet(models.QuerySet[_M]):
    """QuerySet with the one visibility rule, for records that have an owner and a team."""

    def visible_to(
        self, user: AnonymousUser | Any, action: str = VIEW, *, include_merged: bool = False
    ) -> VisibleQuerySet[_M]:
        """Rows `user` may act on. Records merged into another are hidden unless asked for:
        after a merge, only the surviving record is the customer."""
        rule = visibility_q(self.model, user, action)
        if rule is None:
            return self.none()
        return self._with_rule(rule, include_merged=include_merged)

    def _with_rule(self, rule: Q, *, include_merged: bool = False) -> VisibleQuerySet[_M]:
        queryset = self.filter(rule)
        if not include_merged and any(f.name == "merged_into" for f in self.model._meta.fields):
            queryset = queryset.filter(merged_into__isnull=True)
        return queryset

    def visible_get(self, user: AnonymousUser | Any, pk: int, action: str = VIEW) -> _M:
        """One record by primary key, through the same rule as `visible_to`, for hot paths
        (`GET /api/v1/people/{id}`); DoesNotExist when missing or not visible.

        Compiling the rule's query cost more than running it, so its SQL is compiled once per
        distinct rule (in practice per user: the rule names the owner; a changed policy, team or
        permission is a new rule) and run as a prepared statement. The SQL is compiled from the
        very rule that is the cache key. Only for the manager's plain queryset.
        """
        query = self.query
        if (
            query.where
            or query.select_related
            or query.annotations
            or query.extra
            or query.distinct
            or query.select_for_update
            or query.order_by
            or query.deferred_loading[0]
            or self._db is not None  # type: ignore[attr-defined]  # private, not in django-stubs
        ):
            raise TypeError("visible_get works on Model.objects, not on a filtered queryset")
        rule = visibility_q(self.model, user, action)
        if rule is None:
            raise self.model.DoesNotExist  # type: ignore[attr-defined]  # every concrete model has it
        sql = _compiled_get(self.model, self.db, rule, lambda: self._with_rule(rule))
        from centric.core.prepared import fetch_one, to_instances

        row, columns = fetch_one(sql[0], [*sql[1], pk])
        if row is None:
            raise self.model.DoesNotExist  # type: ignore[attr-defined]  # every concrete model has it
        return to_instances(self.model, columns, [row])[0]


_COMPILED_LIMIT = 512
_compiled: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = {}


def _compiled_get(
    model: type[models.Model], alias: str, rule: Q, queryset: Any
) -> tuple[str, tuple[Any, ...]]:
    """SQL and parameters of "the visible row with this primary key" for one rule (see
    `visible_get`); `queryset` builds the rule's queryset when the SQL is not compiled yet."""
    key = (model, alias, rule)
    found = _compiled.get(key)
    if found is None:
        sql, params = queryset().query.sql_with_params()
        pk_column = model._meta.pk.column
        found = (f"SELECT * FROM ({sql}) visible WHERE visible.{pk_column} = %s", params)  # noqa: S608
        if len(_compiled) >= _COMPILED_LIMIT:
            _compiled.clear()
        _compiled[key] = found
    return found
