"""The test factory the permission matrix calls (named in records.py)."""

from decimal import Decimal
from itertools import count
from typing import Any

from centric.core.tests.kit_app.models import Voucher
from centric.core.tests.kit_app.services import voucher_create

_numbers = count(1)


def make_voucher(*, owner: Any, team: Any = None, **fields: Any) -> Voucher:
    number = next(_numbers)
    values: dict[str, Any] = {
        "code": f"GIFT-{number:04d}",
        "title": f"Gift voucher {number}",
        "value": Decimal("5000.00"),
        **fields,
    }
    return voucher_create(actor=owner, owner=owner, team=team or owner.team, **values)
