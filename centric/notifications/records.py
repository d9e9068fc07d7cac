"""Notifications' pages and API, mounted through the record kit's registry."""

from centric.core.records import register_api, register_urls

register_urls("notifications/", "centric.notifications.urls", position=90)
register_api("/notifications", "centric.notifications.api.router", tags=("notifications",))
