"""Knowledge pages: staff search, one version of an article, and the public help pages
(`/help/`: public, published articles only; no sign-in) with "did this solve it?"."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centric.core.visibility import has_model_permission
from centric.knowledge.models import Article, ArticleCategory
from centric.knowledge.rendering import excerpt
from centric.knowledge.rendering import render as render_markdown
from centric.knowledge.search import public_articles, search
from centric.knowledge.services import article_feedback, article_viewed


@login_required
def staff_search(request: HttpRequest) -> HttpResponse:
    if not has_model_permission(request.user, Article, "view"):
        return render(request, "403.html", status=403)
    text = request.GET.get("q", "")
    found = search(Article.objects.visible_to(request.user), text)
    return render(
        request,
        "knowledge/search.html",
        {
            "title": _("Search the knowledge base"),
            "q": text,
            "results": [(article, excerpt(article.body)) for article in found],
        },
    )


@login_required
def version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    article = Article.objects.visible_to(request.user).filter(pk=pk).first()
    if article is None:
        raise Http404
    found = get_object_or_404(article.versions.select_related("author"), number=number)
    return render(
        request,
        "knowledge/version.html",
        {
            "title": f"{found.title} · v{found.number}",
            "article": article,
            "version": found,
            "html": render_markdown(found.body),
        },
    )


def _help_context() -> dict[str, object]:
    return {"business": settings.CENTRIC_BUSINESS_NAME}


def help_index(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    articles = public_articles()
    context = {
        **_help_context(),
        "q": text,
        "results": [(a, excerpt(a.body)) for a in search(articles, text)] if text else [],
        "categories": [
            (category, list(articles.filter(category=category).order_by("title")[:20]))
            for category in ArticleCategory.objects.filter(articles__in=articles).distinct()
        ],
        "uncategorised": list(articles.filter(category__isnull=True).order_by("title")[:20]),
    }
    return render(request, "knowledge/help_index.html", context)


def help_article(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(public_articles(), slug=slug)
    if request.method == "GET":
        article_viewed(article)
    return render(
        request,
        "knowledge/help_article.html",
        {
            **_help_context(),
            "article": article,
            "html": render_markdown(article.body),
            "answered": request.session.get(f"kb-feedback-{article.pk}"),
        },
    )


@require_POST
def help_feedback(request: HttpRequest, slug: str) -> HttpResponse:
    """ "This solved it" counts a deflection; once per reader's session and article."""
    article = get_object_or_404(public_articles(), slug=slug)
    key = f"kb-feedback-{article.pk}"
    if not request.session.get(key):
        solved = request.POST.get("solved") == "yes"
        article_feedback(article, solved=solved)
        request.session[key] = "yes" if solved else "no"
    return redirect("help:article", slug=slug)


@login_required
@require_POST
def insert_link(request: HttpRequest, ticket_pk: int) -> HttpResponse:
    """The reply form, sent with an article chosen: the article's title and public address go
    at the end of the reply being written, which comes back to the reply box unsent."""
    from django.contrib import messages

    from centric.tickets.models import Ticket

    ticket = get_object_or_404(Ticket.objects.visible_to(request.user, "change"), pk=ticket_pk)
    chosen = request.POST.get("article", "")
    article = public_articles().filter(pk=int(chosen) if chosen.isdigit() else 0).first()
    body = request.POST.get("body", "").rstrip()
    if article is None:
        messages.error(request, _("Choose a published public article."))
    else:
        url = f"{settings.CENTRIC_BASE_URL}{reverse('help:article', args=[article.slug])}"
        body = f"{body}\n\n{article.title}: {url}".lstrip()
        messages.success(request, _("Link added to the reply: check it, then send it."))
    request.session[f"ticket-draft-{ticket.pk}"] = body[:20_000]
    return redirect("tickets:ticket_detail", pk=ticket.pk)
