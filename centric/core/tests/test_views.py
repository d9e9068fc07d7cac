"""The page shell, the home page and the search box."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from centric.core.models import VisibilityPolicy
from centric.customers.services import organisation_create
from centric.customers.tests.factories import make_person


@pytest.fixture
def seller(make_team, make_user):
    return make_user("seller", team=make_team("Sales"))


@pytest.mark.django_db
def test_home_needs_sign_in(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
def test_home_has_the_shell_navigation_search_and_assets(logged_in_client, seller):
    make_person(actor=seller, first_name="Ngozi")
    response = logged_in_client(seller).get(reverse("core:home"))
    body = response.content.decode()
    assert response.status_code == 200
    for text in (
        'href="/people/"',
        'href="/people/organisations/"',
        'href="/imports/"',
        'href="/staff/"',
        'href="/settings/"',
        'id="search-input"',
        "/static/vendor/htmx/htmx.min.js",
        "/static/centric/app.js",
        "/static/centric/app.css",
        '"includeIndicatorStyles":false',
        'name="csrf-token"',
        "Ngozi Okafor",
    ):
        assert text in body, text
    assert "<script>" not in body and "style=" not in body
    assert "http://" not in body.replace("http://testserver", "")
    assert "https://" not in body


@pytest.mark.django_db
def test_messages_are_rendered(logged_in_client, seller):
    client = logged_in_client(seller)
    response = client.post(
        reverse("customers:person_create"), {"first_name": "Bola", "last_name": "Ade"}, follow=True
    )
    assert "Bola Ade was added." in response.content.decode()
    assert 'class="alert alert-success"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["+234 803 123 4567", "234-803-123-4567", "08031234567"])
def test_search_finds_a_person_by_any_spelling_of_their_phone(logged_in_client, seller, query):
    person = make_person(actor=seller, first_name="Chinedu", phone="0803 123 4567")
    response = logged_in_client(seller).get(
        reverse("core:search"), {"q": query}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert f'href="/people/{person.pk}/"' in body
    assert "+234 803 123 4567" in body
    assert 'role="option"' in body
    assert "matched by phone number" in body


@pytest.mark.django_db
def test_search_dropdown_lists_people_and_organisations(logged_in_client, seller):
    make_person(actor=seller, first_name="Balogun", email="b@example.com", lifecycle_stage="lead")
    organisation = organisation_create(actor=seller, name="Balogun Traders")
    body = (
        logged_in_client(seller)
        .get(reverse("core:search"), {"q": "balog"}, HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "Balogun Okafor" in body and "b@example.com" in body and "Lead" in body
    assert f'href="/people/organisations/{organisation.pk}/"' in body
    assert "All results for" in body


@pytest.mark.django_db
def test_search_full_page_and_nothing_found(logged_in_client, seller):
    make_person(actor=seller, first_name="Ngozi", email="ngozi@example.com")
    client = logged_in_client(seller)
    response = client.get(reverse("core:search"), {"q": "ngozi@example.com"})
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert [p.first_name for p in response.context["results"].people] == ["Ngozi"]
    response = client.get(reverse("core:search"), {"q": "zzzz"}, HTTP_HX_REQUEST="true")
    assert "Nothing found for “zzzz”." in response.content.decode()


@pytest.mark.django_db
def test_search_never_shows_another_teams_private_person(
    logged_in_client, seller, make_user, make_team
):
    VisibilityPolicy.objects.update_or_create(
        record_type="customers.person", defaults={"level": "private"}
    )
    make_person(actor=seller, first_name="Secret", phone="0803 123 4567")
    outsider = make_user("outsider", team=make_team("Service"))
    client = logged_in_client(outsider)
    for query in ("secret", "0803 123 4567"):
        response = client.get(reverse("core:search"), {"q": query}, HTTP_HX_REQUEST="true")
        assert "Secret" not in response.content.decode()


@pytest.mark.django_db
def test_search_needs_sign_in(client):
    assert client.get(reverse("core:search"), {"q": "ada"}).status_code == 302


def test_icon_tag_renders_a_sprite_reference():
    html = Template('{% load centric_ui %}{% icon "users" %}{% icon "x" label="Close" %}').render(
        Context({})
    )
    assert '<use href="/static/vendor/lucide/sprite.svg#users">' in html
    assert 'aria-hidden="true"' in html
    assert 'role="img" aria-label="Close"' in html
    assert Template('{% load centric_ui %}{% icon "bad name" %}').render(Context({})) == ""


def test_phone_filter_formats_e164():
    html = Template("{% load centric_ui %}{{ value|phone }} {{ value|wa_number }}").render(
        Context({"value": "+2348031234567"})
    )
    assert html == "+234 803 123 4567 2348031234567"


@pytest.mark.django_db
def test_unknown_page_uses_the_custom_404(logged_in_client, seller):
    response = logged_in_client(seller).get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


@pytest.mark.django_db
def test_page_assets_are_local_and_well_under_300_kb(logged_in_client, seller):
    """Everything a page loads comes from this host (built by `npm run build`) and is small."""
    import re

    from django.contrib.staticfiles import finders

    body = logged_in_client(seller).get(reverse("customers:person_list")).content.decode()
    urls = set(re.findall(r'(?:src|href)="(/static/[^"#]+)', body))
    assert "/static/vendor/htmx/htmx.min.js" in urls
    assert "/static/vendor/lucide/sprite.svg" in urls
    total = 0
    for url in urls:
        path = finders.find(url.removeprefix("/static/"))
        assert path, f"{url} is missing: run `npm ci && npm run build`"
        with open(path, "rb") as handle:
            total += len(handle.read())
    assert total < 150 * 1024, total


def test_the_500_page_stands_alone():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html
    assert "/static/centric/app.css" in html


@pytest.mark.django_db
def test_forbidden_pages_use_the_custom_403(logged_in_client, make_user):
    reader = make_user("reader", role="Read only")
    response = logged_in_client(reader).get(reverse("customers:person_create"))
    assert response.status_code == 403
    assert "You are not allowed to do that" in response.content.decode()


def test_select_tag_marks_the_current_choice_and_escapes_labels():
    from django import forms

    class Form(forms.Form):
        colour = forms.ChoiceField(
            choices=[("", "—"), ("red", "Red <b>"), ("blue", "Blue")], help_text="Pick one"
        )

    bound = Form({"colour": "red"})["colour"]
    html = Template("{% load centric_ui %}{% select field %}").render(Context({"field": bound}))
    assert html.startswith(
        '<select name="colour" id="id_colour" aria-describedby="id_colour_helptext" required>'
    )
    assert '<option value="red" selected>Red &lt;b&gt;</option>' in html
    assert '<option value="blue">Blue</option>' in html
