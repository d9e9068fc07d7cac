"""The knowledge base: Markdown rendered and sanitised, versions with who changed what, read by
all staff by default and changed by the author's team, full-text search, public help pages
with "this solved it" counted once per reader, and an article's link inserted into a reply."""

from __future__ import annotations

import pytest

from centric.core.api.testing import call
from centric.knowledge.models import Article
from centric.knowledge.rendering import render
from centric.knowledge.services import article_update
from centric.knowledge.testing import make_article
from centric.tickets.testing import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_user, make_team):
    service, sales = make_team("Service"), make_team("Sales")
    return {
        "ngozi": make_user("ngozi", role="Service desk", team=service),
        "obi": make_user("obi", role="Service desk", team=service),
        "seller": make_user("seller", role="Front office", team=sales),
    }


def test_markdown_is_rendered_and_anything_dangerous_removed():
    html = render(
        "# Reset\n\nHold **reset**.\n\n<script>alert(1)</script>\n\n"
        "[site](javascript:alert(1)) [ok](https://example.com) <img src=x onerror=alert(1)>"
    )
    assert "<h1>Reset</h1>" in html and "<strong>reset</strong>" in html
    assert "<script" not in html and "<img" not in html  # raw HTML is shown as text, never run
    assert "&lt;script&gt;" in html and 'href="javascript' not in html
    assert 'href="https://example.com"' in html and 'rel="noopener nofollow"' in html


def test_every_staff_member_reads_it_and_only_the_authors_team_changes_it(staff, client):
    article = make_article(owner=staff["ngozi"], title="Inverter beeping", status="published")
    assert Article.objects.visible_to(staff["seller"]).filter(pk=article.pk).exists()
    assert not Article.objects.visible_to(staff["seller"], "change").filter(pk=article.pk).exists()
    assert Article.objects.visible_to(staff["obi"], "change").filter(pk=article.pk).exists()
    client.force_login(staff["seller"])
    page = client.get(f"/knowledge/{article.pk}/")
    assert page.status_code == 200 and "<strong>reset</strong>" in page.text


def test_each_save_keeps_a_version_with_who_changed_it(staff, client):
    article = make_article(owner=staff["ngozi"], title="Battery care")
    article_update(article, actor=staff["obi"], body="Charge it **fully** once a month.")
    article_update(article, actor=staff["obi"], status="published")  # no new text, no version
    versions = list(article.versions.values_list("number", "author__username"))
    assert versions == [(2, "obi"), (1, "ngozi")]
    client.force_login(staff["seller"])
    old = client.get(f"/knowledge/{article.pk}/versions/1/")
    assert old.status_code == 200 and "five seconds" in old.text


def test_search_finds_by_title_and_text(staff, client, api_client):
    make_article(owner=staff["ngozi"], title="Inverter beeping every few minutes",
                 body="Check the battery terminals.")  # fmt: skip
    make_article(owner=staff["ngozi"], title="Delivery times to Lekki", body="Two days.")
    client.force_login(staff["obi"])
    found = client.get("/knowledge/search/?q=battery")
    assert [a.title for a, _text in found.context["results"]] == [
        "Inverter beeping every few minutes"
    ]
    hits = call(api_client(staff["obi"]), "get", "/api/v1/article-search?q=Lekki").json()
    assert [hit["title"] for hit in hits] == ["Delivery times to Lekki"]


def test_help_pages_show_public_published_articles_and_count_what_solved_it(staff, client):
    public = make_article(owner=staff["ngozi"], title="Reset the inverter", audience="public",
                          status="published")  # fmt: skip
    draft = make_article(owner=staff["ngozi"], title="Draft one", audience="public")
    internal = make_article(owner=staff["ngozi"], title="Staff only", status="published")
    index = client.get("/help/")
    assert "Reset the inverter" in index.text and "Draft one" not in index.text
    assert "Staff only" not in index.text
    assert client.get(f"/help/{draft.slug}/").status_code == 404
    assert client.get(f"/help/{internal.slug}/").status_code == 404
    assert "Reset the inverter" in client.get("/help/?q=inverter").text
    page = client.get(f"/help/{public.slug}/")
    assert page.status_code == 200 and "Did this solve your problem?" in page.text
    client.post(f"/help/{public.slug}/feedback/", {"solved": "yes"})
    client.post(f"/help/{public.slug}/feedback/", {"solved": "yes"})  # once per reader
    public.refresh_from_db()
    assert (public.deflections, public.views) == (1, 1)
    assert "Glad it helped" in client.get(f"/help/{public.slug}/").text


def test_an_agent_inserts_an_articles_link_into_the_reply(staff, client):
    article = make_article(owner=staff["ngozi"], title="Reset the inverter", audience="public",
                           status="published")  # fmt: skip
    ticket = make_ticket(owner=staff["ngozi"], subject="My inverter keeps beeping")
    client.force_login(staff["ngozi"])
    page = client.get(f"/tickets/{ticket.pk}/").text
    assert f"/knowledge/insert/{ticket.pk}/" in page and "Reset the inverter" in page
    inserted = client.post(f"/knowledge/insert/{ticket.pk}/",
                           {"body": "Hello Kemi, please try this:", "article": article.pk})  # fmt: skip
    assert inserted.status_code == 302
    page = client.get(f"/tickets/{ticket.pk}/").text
    assert (
        f"Hello Kemi, please try this:\n\nReset the inverter: http://127.0.0.1:8000/help/{article.slug}/"
        in page
    )
    client.force_login(staff["seller"])  # may not change the ticket: 404
    assert (
        client.post(f"/knowledge/insert/{ticket.pk}/", {"article": article.pk}).status_code == 404
    )
