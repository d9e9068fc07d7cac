"""Staff administration pages and API, mounted through the record kit."""

from django.utils.translation import gettext_lazy as _

from centric.core.records import NavEntry, register_api, register_navigation, register_urls

register_urls("staff/", "centric.staff.urls", position=80)
register_api("/users", "centric.staff.api.users_router", tags=("users",))
register_api("/teams", "centric.staff.api.teams_router", tags=("teams",))
register_navigation(NavEntry(_("Staff"), "staff:index", icon="user-cog", position=80))
