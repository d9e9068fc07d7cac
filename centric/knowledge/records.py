"""Articles, registered with the record kit (pages, API, visibility, history, tags, exports,
the permission matrix); the rendered text, versions, search and help pages are the app's own."""

from django.utils.translation import gettext_lazy as _

from centric.core.api.records import RecordApi
from centric.core.kit.list_filters import by_choice, by_id
from centric.core.kit.pages import Column, RecordPages, RecordServices
from centric.core.records import (
    NavEntry,
    Owned,
    Panel,
    register_api,
    register_panel,
    register_record,
    register_urls,
)
from centric.core.visibility import VisibilityLevel
from centric.knowledge import panels, services
from centric.knowledge.models import Article, ArticleStatus, Audience

ARTICLE_SERVICES = RecordServices(
    create=services.article_create,
    update=services.article_update,
    delete=services.article_delete,
)
ARTICLE_SORTS = {
    "title": ["title", "id"],
    "-updated": ["-updated_at", "-id"],
    "-solved": ["-deflections", "-id"],
}
ARTICLE_FIELDS = ("title", "body", "category", "audience", "status")
READ_ONLY = ("slug", "published_at", "views", "deflections", "not_helpful")

register_record(
    Article,
    key="article",
    # Everyone reads the knowledge base; its authors' team changes it.
    visibility=Owned(default_level=VisibilityLevel.PUBLIC_READ),
    tags=True,
    history=True,
    exports=True,
    navigation=NavEntry(_("Knowledge"), "knowledge:article_list", icon="book-open", position=20),
    pages=RecordPages(
        services=ARTICLE_SERVICES,
        columns=(
            Column("title", _("Title"), link=True),
            Column("category", _("Category")),
            Column("audience", _("Who reads it")),
            Column("status", _("Status")),
            Column("deflections", _("Solved it"), sort="-solved"),
        ),
        form_fields=(*ARTICLE_FIELDS, "external_id"),
        detail_fields=("category", "audience", "status", *READ_ONLY),
        sorts=ARTICLE_SORTS,
        default_sort="title",
        search_fields=("title", "body"),
        related=("owner", "team", "category"),
        list_actions=panels.list_actions,
        filters=(
            by_choice("audience", _("Who reads it"), "audience", Audience.choices),
            by_choice("status", _("Status"), "status", ArticleStatus.choices),
            by_id("category", _("Category")),
        ),
    ),
    api=RecordApi(
        services=ARTICLE_SERVICES,
        fields=(*ARTICLE_FIELDS, *READ_ONLY),
        read_only=READ_ONLY,
        sorts=ARTICLE_SORTS,
        default_sort="title",
        search_fields=("title", "body"),
        filter_fields=("audience", "status", "category"),
        actions="centric.knowledge.api.actions_router",
    ),
    api_path="/articles",
    test_factory="centric.knowledge.testing.make_article",
)
register_urls("knowledge/", "centric.knowledge.urls", position=29)
register_urls("help/", "centric.knowledge.help_urls", position=29)
register_api("/article-search", "centric.knowledge.api.search_router", tags=("knowledge",))

register_panel(
    "knowledge.article",
    Panel(
        key="article_text",
        label=_("Article"),
        template="knowledge/partials/article_text.html",
        context=panels.article_text,
        position=1,
    ),
)
register_panel(
    "tickets.ticket",
    Panel(
        key="ticket_articles",
        label=_("Articles for the reply"),
        template="knowledge/partials/ticket_articles.html",
        context=panels.ticket_articles,
        position=7,
    ),
)
