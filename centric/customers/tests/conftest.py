"""Fixtures the customers' page tests share: a Sales team and a seller in it."""

import pytest


@pytest.fixture
def sales(make_team):
    return make_team("Sales")


@pytest.fixture
def seller(make_user, sales):
    return make_user("seller", team=sales, first_name="Sade", last_name="Ade")
