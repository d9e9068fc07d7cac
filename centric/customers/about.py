"""Records about a customer (a deal, an activity, a quote, an order): owned, and narrowed by
the person and organisation they are about.

The one rule (decision 0066): nothing about a person reaches someone who may not see that
person, even the record's own owner. Record types with `person` and `organisation` foreign keys
derive from `AboutCustomer` and use `AboutCustomerQuerySet` as their manager's queryset instead
of writing the rule again.

Each such row keeps a copy of its person's and organisation's owner and team (decision 0070):
the narrowing is then a condition on the row itself, which an index serves, instead of a join
to a million people for every board, list and report. The copies are written here and nowhere
else: when the row's person or organisation changes (`save`, `update`) and when a customer's
owner or team changes (`refresh_for_customers`, called by the customer's `save` and `update`).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.db import connection, migrations, models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from centric.core.visibility import VisibleQuerySet, visibility_q
from centric.customers.models import Organisation, Person

_M = TypeVar("_M", bound=models.Model)

CUSTOMER_FIELDS: tuple[tuple[str, type[models.Model]], ...] = (
    ("person", Person),
    ("organisation", Organisation),
)
# The copied columns, left out of each record's history (they follow the customer's).
ACCESS_COPIES = [f"{name}_{part}" for name, _model in CUSTOMER_FIELDS for part in ("owner", "team")]
# What the rule reads from a row, for a covering index's INCLUDE: counts and sums over a
# board's or a day's rows are then read from the index alone (PostgreSQL; ignored elsewhere).
RULE_COLUMNS = ["owner", "team", *(name for name, _model in CUSTOMER_FIELDS), *ACCESS_COPIES]


def customer_rule(user: Any, *, prefix: str = "") -> Q:
    """Rows whose person and organisation (when set) `user` may see, read from the rows' own
    copies of their customers' owner and team; `prefix` reaches them through a relation
    (`deal__`)."""
    rule = Q()
    for name, model in CUSTOMER_FIELDS:
        customer = visibility_q(model, user, "view", prefix=f"{prefix}{name}_")
        if customer is None:  # sees none of them: only rows without one
            rule &= Q(**{f"{prefix}{name}__isnull": True})
        elif customer:  # an empty Q sees them all (and `Q(x) | Q()` would be just Q(x))
            rule &= Q(**{f"{prefix}{name}__isnull": True}) | customer
    return rule


def _copies_of(model: type[models.Model], pk: int | None) -> tuple[int | None, int | None]:
    """The owner and team of one customer (none for no customer)."""
    if pk is None:
        return None, None
    found = model._default_manager.filter(pk=pk).values_list("owner_id", "team_id").first()
    return found if found is not None else (None, None)


class AboutCustomerQuerySet(VisibleQuerySet[_M]):
    def visible_to(
        self, user: Any, action: str = "view", *, include_merged: bool = False
    ) -> AboutCustomerQuerySet[_M]:
        """The owner-and-team rule, narrowed to rows whose customer `user` may see."""
        owned = super().visible_to(user, action, include_merged=include_merged)
        return owned.filter(customer_rule(user))  # type: ignore[return-value]

    def visible_get(self, user: Any, pk: int, action: str = "view") -> _M:
        return self.visible_to(user, action).get(pk=pk)

    def update(self, **kwargs: Any) -> int:
        """As Django's, keeping the copies right when the rows get another customer."""
        rewrite = False
        for name, model in CUSTOMER_FIELDS:
            for key in (name, f"{name}_id"):
                if key not in kwargs:
                    continue
                value = kwargs[key]
                if isinstance(value, models.Model):
                    value = value.pk
                if value is None or isinstance(value, int):
                    owner, team = _copies_of(model, value)
                    kwargs[f"{name}_owner_id"], kwargs[f"{name}_team_id"] = owner, team
                else:  # an expression (bulk_update's CASE): read the copies afterwards
                    rewrite = True
        if not rewrite:
            return super().update(**kwargs)
        ids = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        self.model._default_manager.filter(pk__in=ids).refresh_copies()  # type: ignore[attr-defined]  # this queryset's manager
        return count

    update.alters_data = True  # type: ignore[attr-defined]  # as Django's

    def refresh_copies(self) -> int:
        """Copy each row's customers' current owner and team onto it."""
        values: dict[str, Any] = {}
        for name, model in CUSTOMER_FIELDS:
            source = model._default_manager.filter(pk=OuterRef(f"{name}_id"))
            values[f"{name}_owner_id"] = Subquery(source.values("owner_id")[:1])
            values[f"{name}_team_id"] = Subquery(source.values("team_id")[:1])
        return super().update(**values)


def _copy(to: str) -> Any:
    """One copied column: a customer's owner or team, cleared with it, never edited by hand."""
    return models.ForeignKey(
        to, null=True, on_delete=models.SET_NULL, related_name="+", editable=False, db_index=False
    )


class AboutCustomer(models.Model):
    """A record about a person and/or an organisation, with its copies of their owner and team.

    The concrete model declares its own `person` and `organisation` foreign keys (each with its
    related name) and a manager from `AboutCustomerQuerySet`; its Meta declares the indexes its
    pages need, the copies included."""

    person_owner = _copy(settings.AUTH_USER_MODEL)
    person_team = _copy(settings.CENTRIC_TEAM_MODEL)
    organisation_owner = _copy(settings.AUTH_USER_MODEL)
    organisation_team = _copy(settings.CENTRIC_TEAM_MODEL)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        changed = self._copy_customers()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and changed:
            kwargs["update_fields"] = {*update_fields, *changed}
        super().save(*args, **kwargs)
        self._customers_read = {name: getattr(self, f"{name}_id") for name, _m in CUSTOMER_FIELDS}

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        record = super().from_db(db, field_names, values)
        record._customers_read = {  # which customers the copies on the row belong to
            name: record.__dict__[f"{name}_id"]
            for name, _model in CUSTOMER_FIELDS
            if f"{name}_id" in record.__dict__
        }
        return record

    def _copy_customers(self) -> list[str]:
        """Fill the copies of the customers that changed since the row was read."""
        read: dict[str, int | None] = getattr(self, "_customers_read", {})
        changed = []
        for name, model in CUSTOMER_FIELDS:
            pk = self.__dict__.get(f"{name}_id")
            if name in read and read[name] == pk and not self._state.adding:
                continue
            cached = self._state.fields_cache.get(name)
            if cached is not None and cached.pk == pk:
                owner, team = cached.owner_id, cached.team_id
            else:
                owner, team = _copies_of(model, pk)
            setattr(self, f"{name}_owner_id", owner)
            setattr(self, f"{name}_team_id", team)
            changed += [f"{name}_owner", f"{name}_team"]
        return changed


def about_customer_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if issubclass(model, AboutCustomer)]


def refresh_for_customers(model: type[models.Model], ids: list[int]) -> None:
    """After customers of `model` got another owner or team: every row about them follows."""
    if not ids:
        return
    name = next(name for name, customer in CUSTOMER_FIELDS if customer is model)
    for about in about_customer_models():
        rows = about._default_manager.filter(**{f"{name}_id__in": ids})
        rows.refresh_copies()  # type: ignore[attr-defined]  # an AboutCustomerQuerySet


def stale_copies() -> dict[str, int]:
    """Rows whose copies differ from their customers' owner and team right now, by record type
    (none, unless rows were written behind the application's back)."""
    found = {}
    with connection.cursor() as cursor:
        for model in about_customer_models():
            joins, differ = [], []
            for name, customer in CUSTOMER_FIELDS:
                joins.append(
                    f"LEFT JOIN {customer._meta.db_table} c_{name} ON c_{name}.id = t.{name}_id"
                )
                differ += [
                    f"t.{name}_{part}_id IS DISTINCT FROM c_{name}.{part}_id"
                    for part in ("owner", "team")
                ]
            cursor.execute(
                f"SELECT count(*) FROM {model._meta.db_table} t {' '.join(joins)} "  # noqa: S608 - names from code
                f"WHERE {' OR '.join(differ)}"
            )
            count = cursor.fetchone()[0]
            if count:
                found[model._meta.label] = count
    return found


@receiver(pre_delete, sender=Person)
@receiver(pre_delete, sender=Organisation)
def _clear_copies(sender: type[models.Model], instance: models.Model, **_kwargs: Any) -> None:
    """A deleted customer leaves its records without a customer (SET_NULL, written by Django's
    collector, not through `update`): their copies are cleared first, in the same transaction."""
    name = next(name for name, customer in CUSTOMER_FIELDS if customer is sender)
    for about in about_customer_models():
        about._default_manager.filter(**{f"{name}_id": instance.pk}).update(
            **{f"{name}_owner_id": None, f"{name}_team_id": None}
        )


def fill_copies(table: str) -> migrations.RunSQL:
    """A migration step filling a table's copies from its customers (UPDATE … FROM: one pass,
    PostgreSQL and SQLite ≥ 3.33 alike)."""
    statements = tuple(
        f"UPDATE {table} SET {name}_owner_id = c.owner_id, {name}_team_id = c.team_id "  # noqa: S608 - names from code
        f"FROM {model._meta.db_table} c WHERE c.id = {table}.{name}_id"
        for name, model in CUSTOMER_FIELDS
    )
    return migrations.RunSQL(statements, reverse_sql=migrations.RunSQL.noop)
