"""Values an import kept as typed because they could not be read (decision 0055): settling one
by hand once it has been dealt with (the right phone added, the customer asked)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from centric.core.kit.services import bump_version, lock, save_record
from centric.customers.models import Organisation, Person


@transaction.atomic
def customer_attention_settle(
    *, record: Person | Organisation, field: str, value: str, actor: Any = None
) -> Person | Organisation:
    """Take one item (`field`, `value` as typed) off the record's needs-attention list; the
    record's history keeps it. A person waiting for a name keeps that item until they have one."""
    current = lock(type(record), record.pk)
    items = current.attention_items
    remaining = [i for i in items if (i.get("field"), i.get("value")) != (field, value)]
    if len(remaining) == len(items):
        raise ValidationError(_("This value does not need attention (any more)."))
    if (
        field == "name"
        and isinstance(current, Person)
        and not (current.first_name or current.middle_name or current.last_name)
    ):
        raise ValidationError({"first_name": _("Give the person a name first.")})
    current.needs_attention = remaining or None
    bump_version(current)
    save_record(current, actor=actor)
    return current
