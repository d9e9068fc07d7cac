"""Kept for the tests that import from here; the factories live in `centric.customers.testing`."""

from centric.customers.testing import add_staff_members, make_organisation, make_person

__all__ = ["add_staff_members", "make_organisation", "make_person"]
