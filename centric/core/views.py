"""Pages of the in-house framework: the home page, the search box and a health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from centric.core.htmx import wants_partial
from centric.customers.selectors import people_visible, search_customers


@login_required
def home(request: HttpRequest) -> HttpResponse:
    recent_people = list(
        people_visible(request.user)
        .select_related("lifecycle_stage")
        .order_by("-created_at", "-id")[:8]
    )
    return render(request, "core/home.html", {"recent_people": recent_people})


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """The search box: a dropdown of results as you type (htmx), or the full results page."""
    query = request.GET.get("q", "")
    limit = 8 if wants_partial(request) else 50
    results = search_customers(request.user, query, limit=limit)
    context = {"results": results, "search_query": results.query}
    if wants_partial(request):
        return render(request, "core/partials/search_results.html", context)
    return render(request, "core/search.html", context)


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
