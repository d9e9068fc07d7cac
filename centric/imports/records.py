"""The import pages, mounted through the record kit."""

from django.utils.translation import gettext_lazy as _

from centric.core.records import NavEntry, register_api, register_navigation, register_urls

register_urls("imports/", "centric.imports.urls", position=50)
register_api("/imports", "centric.imports.api.router", tags=("imports",))
register_navigation(NavEntry(_("Imports"), "imports:list", icon="upload", position=50))
