"""Webhooks' settings page and API, mounted through the record kit's registry."""

from centric.core.records import register_api, register_urls

register_urls("settings/webhooks/", "centric.webhooks.urls", position=88)
register_api("/webhook-endpoints", "centric.webhooks.api.endpoints_router", tags=("webhooks",))
register_api("/webhook-deliveries", "centric.webhooks.api.deliveries_router", tags=("webhooks",))
