"""Records about a customer (a deal, an activity, a quote, an order): owned, and narrowed by
the person and organisation they are about.

The one rule (decision 0066): nothing about a person reaches someone who may not see that
person, even the record's own owner. Record types with `person` and `organisation` foreign keys
use `AboutCustomerQuerySet` as their manager's queryset instead of writing the rule again.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import Q

from centric.core.visibility import VisibleQuerySet, visibility_q
from centric.customers.models import Organisation, Person

_M = TypeVar("_M", bound=models.Model)

CUSTOMER_FIELDS: tuple[tuple[str, type[models.Model]], ...] = (
    ("person", Person),
    ("organisation", Organisation),
)


def customer_rule(user: Any, *, prefix: str = "") -> Q:
    """Rows whose person and organisation (when set) `user` may see; `prefix` reaches them
    through a relation (`deal__`)."""
    rule = Q()
    for name, model in CUSTOMER_FIELDS:
        customer = visibility_q(model, user, "view", prefix=f"{prefix}{name}__")
        if customer is None:  # sees none of them: only rows without one
            rule &= Q(**{f"{prefix}{name}__isnull": True})
        elif customer:  # an empty Q sees them all (and `Q(x) | Q()` would be just Q(x))
            rule &= Q(**{f"{prefix}{name}__isnull": True}) | customer
    return rule


class AboutCustomerQuerySet(VisibleQuerySet[_M]):
    def visible_to(
        self, user: Any, action: str = "view", *, include_merged: bool = False
    ) -> AboutCustomerQuerySet[_M]:
        """The owner-and-team rule, narrowed to rows whose customer `user` may see."""
        owned = super().visible_to(user, action, include_merged=include_merged)
        return owned.filter(customer_rule(user))  # type: ignore[return-value]

    def visible_get(self, user: Any, pk: int, action: str = "view") -> _M:
        return self.visible_to(user, action).get(pk=pk)
