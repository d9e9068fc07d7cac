"""Writes to the customer record. Every page, API endpoint, importer and task goes through here."""

from centric.customers.services.attention import customer_attention_settle  # noqa: F401
from centric.customers.services.contact_points import (  # noqa: F401
    consent_record,
    contact_point_add,
    contact_point_remove,
    contact_point_update,
    refresh_primary_contacts,
)
from centric.customers.services.organisations import (  # noqa: F401
    membership_remove,
    membership_set,
    organisation_create,
    organisation_delete,
    organisation_update,
)
from centric.customers.services.people import person_create, person_delete, person_update  # noqa: F401

__all__ = [
    "customer_attention_settle",
    "consent_record",
    "contact_point_add",
    "contact_point_remove",
    "contact_point_update",
    "membership_remove",
    "membership_set",
    "organisation_create",
    "organisation_delete",
    "organisation_update",
    "person_create",
    "person_delete",
    "person_update",
    "refresh_primary_contacts",
]
