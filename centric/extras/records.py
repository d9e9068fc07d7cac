"""Settings pages and the tag and custom-field API, mounted through the record kit."""

from django.utils.translation import gettext_lazy as _

from centric.core.records import NavEntry, register_api, register_navigation, register_urls

register_urls("settings/", "centric.extras.urls", position=90)
register_api("/tags", "centric.extras.api.tags_router", tags=("tags",))
register_api("/custom-fields", "centric.extras.api.custom_fields_router", tags=("custom fields",))
register_navigation(NavEntry(_("Settings"), "extras:index", icon="settings", position=90))


def _register_features() -> None:
    from centric.core.kit.features import register_custom_fields, register_tags
    from centric.extras.features import CustomFields, Tags

    register_custom_fields(CustomFields())
    register_tags(Tags())


_register_features()
