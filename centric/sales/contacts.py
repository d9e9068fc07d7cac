"""The people on a deal besides its main contact, each with their role. Only people the one
adding them may see can be added, and readers see only the ones they may see."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centric.core.kit.links import RecordLinkField
from centric.core.records import registry
from centric.customers.models import Person
from centric.sales.models import Deal, DealContact


def visible_contacts(user: Any, deal: Deal) -> list[DealContact]:
    return list(
        DealContact.objects.filter(deal=deal, person__in=Person.objects.visible_to(user))
        .select_related("person")
        .order_by("id")
    )


@transaction.atomic
def deal_contact_add(*, deal: Deal, person: Person, role: str, note: str = "") -> DealContact:
    """Add `person` with `role`; added again, their role is updated."""
    if role not in DealContact.Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    if person.pk == deal.person_id:
        raise ValidationError({"person": _("This is the deal's main contact already.")})
    try:
        with transaction.atomic():
            contact, _created = DealContact.objects.update_or_create(
                deal=deal, person=person, defaults={"role": role, "note": note.strip()[:200]}
            )
    except IntegrityError:
        contact = DealContact.objects.get(deal=deal, person=person)
    return contact


def deal_contact_remove(*, deal: Deal, contact_id: int) -> bool:
    removed, _kinds = DealContact.objects.filter(deal=deal, pk=contact_id).delete()
    return bool(removed)


class DealContactForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=DealContact.Role.choices)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = RecordLinkField(registry.get(Person), label=gettext_lazy("Person")).for_user(user)
        self.fields = {"person": field, **self.fields}
