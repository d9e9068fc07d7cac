"""The test kit's domain-free part (a pytest plugin, see conftest.py): `logged_in_client(user)`.

Staff fixtures (`roles`, `make_team`, `make_user`, `admin_user`, `api_client`) are the staff
app's plugin, `centric.staff.testing`: core knows no domain app, not even in its test kit.
"""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def logged_in_client():
    def factory(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return factory
