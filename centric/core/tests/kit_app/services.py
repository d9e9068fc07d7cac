"""The test app's typed services: the one write path of a voucher (pages, API, tests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from centric.core.kit.services import (
    UNSET,
    bump_version,
    check_version,
    clean_custom_fields,
    default_ownership,
    delete_record,
    is_set,
    lock,
    save_record,
    set_given,
    set_tags,
)
from centric.core.tests.kit_app.models import Voucher


def _check_code(voucher: Voucher) -> None:
    voucher.code = voucher.code.strip().upper()
    # The test app is installed only under pytest, so the settings mypy loads lack it.
    if Voucher.objects.filter(code=voucher.code).exclude(pk=voucher.pk).exists():  # type: ignore[misc]
        raise ValidationError({"code": _("This code is already used; choose another one.")})


@transaction.atomic
def voucher_create(
    *,
    actor: Any,
    code: str,
    title: str,
    value: Decimal,
    currency: str = "NGN",
    expires_on: dt.date | None = None,
    replaces: Voucher | None = None,
    owner: Any = None,
    team: Any = None,
    external_id: str | None = None,
    custom_fields: dict[str, Any] | None = None,
    tags: list[str] | None = None,
) -> Voucher:
    voucher = Voucher(owner=owner, team=team)
    set_given(
        voucher,
        code=code,
        title=title,
        value=value,
        currency=currency,
        expires_on=expires_on,
        replaces=replaces,
        external_id=external_id,
    )
    default_ownership(voucher, actor)
    voucher.custom_fields = clean_custom_fields(voucher, custom_fields)
    _check_code(voucher)
    save_record(voucher, actor=actor)
    set_tags(voucher, tags)
    return voucher


@transaction.atomic
def voucher_update(
    voucher: Voucher,
    *,
    actor: Any,
    expected_version: int | None = None,
    code: str = UNSET,
    title: str = UNSET,
    value: Decimal = UNSET,
    currency: str = UNSET,
    expires_on: dt.date | None = UNSET,
    replaces: Voucher | None = UNSET,
    owner: Any = UNSET,
    team: Any = UNSET,
    external_id: str | None = UNSET,
    custom_fields: dict[str, Any] | None = UNSET,
    tags: list[str] | None = UNSET,
) -> Voucher:
    voucher = lock(Voucher, voucher.pk)
    check_version(voucher, expected_version)
    set_given(
        voucher,
        code=code,
        title=title,
        value=value,
        currency=currency,
        expires_on=expires_on,
        replaces=replaces,
        owner=owner,
        team=team,
        external_id=external_id,
    )
    if is_set(custom_fields):
        voucher.custom_fields = clean_custom_fields(voucher, custom_fields, partial=True)
    _check_code(voucher)
    bump_version(voucher)
    save_record(voucher, actor=actor)
    if is_set(tags):
        set_tags(voucher, tags)
    return voucher


@transaction.atomic
def voucher_delete(voucher: Voucher, *, actor: Any) -> None:
    delete_record(voucher, actor=actor)
