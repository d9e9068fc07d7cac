"""A person as a vCard 3.0 (the export and the "download contact" link); vobject writes it."""

from __future__ import annotations

from collections.abc import Iterable

import vobject

from centric.customers.choices import ContactKind


def person_to_vcard(person, contact_points: Iterable, memberships: Iterable = ()) -> str:
    card = vobject.vCard()
    card.add("n").value = vobject.vcard.Name(
        family=person.last_name or "",
        given=person.first_name or "",
        additional=person.middle_name or "",
    )
    card.add("fn").value = person.full_name or "-"
    if person.external_id:
        card.add("uid").value = person.external_id
    for point in contact_points:
        if point.kind == ContactKind.EMAIL:
            entry = card.add("email")
            entry.value = point.value_normalized or point.value
            entry.type_param = "INTERNET"
        elif point.kind in (ContactKind.PHONE, ContactKind.WHATSAPP):
            entry = card.add("tel")
            entry.value = point.value_normalized or point.value
            entry.type_param = "CELL"
        elif point.kind == ContactKind.ADDRESS:
            entry = card.add("adr")
            entry.value = vobject.vcard.Address(
                street=point.street or point.value,
                city=point.city,
                region=point.state,
                code=point.postal_code,
                country=point.country,
            )
        elif point.kind == ContactKind.WEBSITE:
            card.add("url").value = point.value_normalized or point.value
    for membership in memberships:
        card.add("org").value = [membership.organisation.name]
        if membership.role:
            card.add("title").value = membership.role
        break
    if person.date_of_birth:
        card.add("bday").value = person.date_of_birth.isoformat()
    return card.serialize()
