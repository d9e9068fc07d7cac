"""The voucher's one registration with the record kit: everything else comes from it."""

from django.utils.translation import gettext_lazy as _

from centric.core.api.records import RecordApi
from centric.core.kit.pages import Column, RecordPages, RecordServices
from centric.core.records import OWNED, NavEntry, register_record, register_urls
from centric.core.tests.kit_app import services
from centric.core.tests.kit_app.models import Voucher

VOUCHER_SERVICES = RecordServices(
    create=services.voucher_create,
    update=services.voucher_update,
    delete=services.voucher_delete,
)
VOUCHER_SORTS = {
    "code": ["code", "id"],
    "-created": ["-created_at", "-id"],
}

register_record(
    Voucher,
    key="voucher",
    visibility=OWNED,
    custom_fields=True,
    tags=True,
    history=True,
    timeline=True,
    exports=True,
    navigation=NavEntry(_("Vouchers"), "kit_app:voucher_list", icon="tag", position=60),
    pages=RecordPages(
        services=VOUCHER_SERVICES,
        columns=(
            Column("code", _("Code"), link=True),
            Column("title", _("Title")),
            Column("value", _("Value")),
            Column("expires_on", _("Expires on")),
        ),
        form_fields=(
            "code",
            "title",
            "value",
            "currency",
            "expires_on",
            "replaces",
            "external_id",
        ),
        detail_fields=("code", "title", "value", "currency", "expires_on"),
        sorts=VOUCHER_SORTS,
        default_sort="code",
        search_fields=("code", "title"),
    ),
    api=RecordApi(
        services=VOUCHER_SERVICES,
        fields=("code", "title", "value", "currency", "expires_on", "replaces"),
        sorts=VOUCHER_SORTS,
        default_sort="code",
        search_fields=("code", "title"),
        filter_fields=("currency", "replaces"),
    ),
    api_path="/vouchers",
    test_factory="centric.core.tests.kit_app.testing.make_voucher",
)
register_urls("kit/vouchers/", "centric.core.tests.kit_app.urls", position=200)
