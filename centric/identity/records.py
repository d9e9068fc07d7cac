"""The customer count and the duplicate review, mounted through the record kit."""

from django.utils.translation import gettext_lazy as _

from centric.core.records import NavEntry, register_api, register_navigation, register_urls

register_urls("customers/", "centric.identity.urls", position=20)
register_api("/customers", "centric.identity.api.count_router", tags=("customers",))
register_api("/identity", "centric.identity.api.router", tags=("identity resolution",))
register_navigation(
    NavEntry(
        _("Customers"),
        "identity:count",
        icon="chart-pie",
        position=30,
        not_current_prefixes=("/customers/duplicates/",),
    )
)
register_navigation(NavEntry(_("Duplicates"), "identity:queue", icon="copy", position=40))
