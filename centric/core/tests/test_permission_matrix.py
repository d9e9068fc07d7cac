"""The permission matrix of every registered record type (see `centric.core.permission_matrix`
for what it asserts and how a record type gets covered: by registering, nothing else)."""

from __future__ import annotations

import warnings

import pytest

from centric.core.permission_matrix import (
    ACTORS,
    SEES_THE_RECORD,
    Findings,
    Matrix,
    Outcome,
    api_listed,
    api_outcome,
    count_queries,
    covered_record_types,
    declaration_problems,
    expected,
    listed,
    page_outcome,
)
from centric.core.records import registry

pytestmark = pytest.mark.django_db

REGISTERED = registry.record_types()
COVERED = covered_record_types()


def _key(record_type) -> str:
    return record_type.key


@pytest.fixture
def matrix(record_type, make_user, make_team, roles, api_client) -> Matrix:
    problems = declaration_problems(record_type)
    if problems:
        pytest.fail("\n".join(problems))
    built = Matrix.build(
        record_type, make_user=make_user, make_team=make_team, roles=roles, api_client=api_client
    )
    built.check_preconditions()
    return built


def test_the_matrix_covers_people_and_organisations():
    """A guard against the matrix quietly covering nothing (e.g. a registry that stopped loading)."""
    assert {"person", "organisation"} <= {rt.key for rt in COVERED}


@pytest.mark.parametrize("record_type", REGISTERED, ids=_key)
def test_the_registration_declares_what_the_matrix_needs(record_type):
    problems = declaration_problems(record_type)
    assert not problems, "\n".join(problems)


def _compare(findings: Findings, actor: str, what: str, page, api) -> None:
    """Pages and API refuse the same things: the same outcome for the same actor and action."""
    if page is not None and api is not None and page != api:
        show = [value.value if isinstance(value, Outcome) else value for value in (page, api)]
        findings.problems.append(
            f"{actor} {what}: page and API disagree (page {show[0]}, API {show[1]})"
        )


@pytest.mark.parametrize("record_type", COVERED, ids=_key)
def test_who_sees_what(record_type, matrix):
    """Lists, the create form, the record, its history and its edit form, for every actor."""
    record = matrix.make()
    other = matrix.record_type.make(owner=matrix.users["other_team"], team=matrix.other_team)
    findings = Findings()
    detail_url = matrix.page_url("detail", record)
    other_url = matrix.page_url("detail", other)
    missing_pk = max(record.pk, other.pk) + 1000
    for actor in ACTORS:
        page, api = matrix.pages[actor], matrix.api[actor]
        sees = actor in SEES_THE_RECORD

        want = expected(actor, "view", collection=True)
        page_got = api_got = None
        if url := matrix.page_url("list"):
            response = page.get(url)
            page_got = page_outcome(response)
            if findings.expect(f"{actor} GET list page", page_got, want) and (
                want is Outcome.ALLOWED and detail_url
            ):
                findings.check(
                    listed(response, detail_url) == sees,
                    f"{actor}: the list page {'omits' if sees else 'shows'} the team's record",
                )
                findings.check(
                    listed(response, other_url) == (actor == "other_team"),
                    f"{actor}: the list page and the other team's record",
                )
        if matrix.record_type.api_path:
            response = api.get(matrix.api_list_path())
            api_got = api_outcome(response)
            if findings.expect(f"{actor} GET API list", api_got, want) and want is Outcome.ALLOWED:
                findings.check(
                    api_listed(response, record.pk) == sees,
                    f"{actor}: the API list {'omits' if sees else 'shows'} the team's record",
                )
                findings.check(
                    api_listed(response, other.pk) == (actor == "other_team"),
                    f"{actor}: the API list and the other team's record",
                )
        _compare(findings, actor, "list", page_got, api_got)

        if url := matrix.page_url("create"):
            findings.expect(
                f"{actor} GET create page",
                page_outcome(page.get(url)),
                expected(actor, "add", collection=True),
            )

        want = expected(actor, "view")
        page_got = api_got = None
        if url := matrix.page_url("detail", record):
            page_got = page_outcome(page.get(url))
            findings.expect(f"{actor} GET detail page", page_got, want)
        if path := matrix.api_record_path(record):
            response = api.get(path)
            api_got = api_outcome(response)
            findings.expect(f"{actor} GET {path}", api_got, want)
            if want is Outcome.HIDDEN and response.status_code == 404:
                gone = api.get(matrix.api_record_path(missing_pk))
                findings.check(
                    response.json().get("detail") == gone.json().get("detail"),
                    f"{actor}: a hidden record's 404 differs from a missing one's",
                )
        elif matrix.record_type.api_path:
            findings.problems.append(
                f"the OpenAPI document has no {matrix.api_list_path()}/{{id}} for the record"
            )
        _compare(findings, actor, "GET the record", page_got, api_got)

        page_got = api_got = None
        if url := matrix.page_url("history", record):
            page_got = page_outcome(page.get(url))
            findings.expect(f"{actor} GET history page", page_got, want)
        if path := matrix.api_history_path(record):
            api_got = api_outcome(api.get(path))
            findings.expect(f"{actor} GET {path}", api_got, want)
        _compare(findings, actor, "GET the history", page_got, api_got)

        if url := matrix.page_url("update", record):
            findings.expect(
                f"{actor} GET edit page", page_outcome(page.get(url)), expected(actor, "change")
            )
    findings.assert_none(matrix.record_type)


@pytest.mark.parametrize("record_type", COVERED, ids=_key)
def test_who_may_change_what(record_type, matrix):
    """The edit page's POST and the API's PATCH: refused ones change nothing."""
    record = matrix.make()
    findings = Findings()
    edit_url = matrix.page_url("update", record)
    api_path = matrix.api_record_path(record)
    api_patch = api_path is not None and "patch" in matrix.api_record_methods()
    for actor in ACTORS:
        want = expected(actor, "change")
        page_got = api_got = None
        if edit_url:
            data = matrix.update_form_data(record)
            before = matrix.snapshot(record)
            response = matrix.pages[actor].post(edit_url, data)
            page_got = page_outcome(response)
            if findings.expect(f"{actor} POST edit page", page_got, want) and (
                want is Outcome.ALLOWED
            ):
                findings.check(
                    response.status_code == 302 and matrix.snapshot(record) != before,
                    f"{actor}: the edit page did not save the form posted back unchanged "
                    f"(status {response.status_code})",
                )
            if want is not Outcome.ALLOWED:
                findings.check(
                    matrix.snapshot(record) == before, f"{actor}: a refused edit changed the record"
                )
        if api_patch:
            before = matrix.snapshot(record)
            response = matrix.api[actor].patch(api_path, {}, content_type="application/json")
            api_got = api_outcome(response)
            findings.expect(f"{actor} PATCH {api_path}", api_got, want)
            changed = matrix.snapshot(record) != before
            findings.check(
                changed == (want is Outcome.ALLOWED),
                f"{actor}: PATCH {'did not change' if not changed else 'changed'} the record",
            )
        _compare(findings, actor, "change the record", page_got, api_got)
    findings.assert_none(matrix.record_type)


@pytest.mark.parametrize("record_type", COVERED, ids=_key)
def test_delete_needs_the_delete_permission_on_pages_and_api(record_type, matrix):
    record = matrix.make()
    page_victim, api_victim = matrix.make(), matrix.make()
    findings = Findings()
    delete_url = matrix.page_url("delete", record)
    api_delete = "delete" in matrix.api_record_methods()
    if bool(delete_url) != api_delete:
        warnings.warn(
            f"{matrix.record_type.label}: delete is offered only "
            f"{'by the API' if api_delete else 'by a page'}; the matrix tries that one",
            stacklevel=1,
        )
    confirm_page = None
    if delete_url:
        # A delete page may have a GET confirmation or take POST only (405 for every GET).
        confirm_page = matrix.pages["full"].get(delete_url).status_code != 405
    for actor in ACTORS:
        want = expected(actor, "delete")
        page_got = api_got = None
        victim_page = page_victim if want is Outcome.ALLOWED else record
        victim_api = api_victim if want is Outcome.ALLOWED else record
        if delete_url:
            url = matrix.page_url("delete", victim_page)
            get = matrix.pages[actor].get(url)
            if confirm_page:
                findings.expect(f"{actor} GET delete page", page_outcome(get), want)
            elif actor != "anonymous":
                findings.check(
                    get.status_code == 405, f"{actor} GET delete page: {get.status_code}"
                )
            page_got = page_outcome(matrix.pages[actor].post(url))
            findings.expect(f"{actor} POST delete page", page_got, want)
            gone = matrix.snapshot(victim_page) is None
            findings.check(
                gone == (want is Outcome.ALLOWED),
                f"{actor}: the delete page {'deleted' if gone else 'did not delete'} the record",
            )
        if api_delete:
            path = matrix.api_record_path(victim_api)
            api_got = api_outcome(matrix.api[actor].delete(path))
            findings.expect(f"{actor} DELETE {path}", api_got, want)
            gone = matrix.snapshot(victim_api) is None
            findings.check(
                gone == (want is Outcome.ALLOWED),
                f"{actor}: the API DELETE {'deleted' if gone else 'did not delete'} the record",
            )
        _compare(findings, actor, "delete the record", page_got, api_got)
    findings.assert_none(matrix.record_type)


@pytest.mark.parametrize("record_type", COVERED, ids=_key)
def test_lists_make_as_many_queries_for_six_records_as_for_two(record_type, matrix):
    """No N+1: the count is compared, not hard-coded, so it holds for any record type."""
    page, api = matrix.pages["full"], matrix.api["full"]
    list_url = matrix.page_url("list")
    api_list = matrix.api_list_path() if matrix.record_type.api_path else None
    records = [matrix.make() for _ in range(2)]
    counts: dict[str, list[int]] = {"page": [], "api": []}
    for extra in (0, 4):
        records += [matrix.make() for _ in range(extra)]
        if list_url:
            queries, response = count_queries(lambda: page.get(list_url))
            assert response.status_code == 200
            detail_urls = [matrix.page_url("detail", r) for r in records]
            if all(detail_urls):
                assert all(listed(response, url) for url in detail_urls)
            counts["page"].append(queries)
        if api_list:
            queries, response = count_queries(lambda: api.get(api_list))
            assert response.status_code == 200
            assert all(api_listed(response, r.pk) for r in records)
            counts["api"].append(queries)
    for where, (two, six) in ((k, v) for k, v in counts.items() if v):
        assert two == six, f"{where} list: {two} queries for 2 records, {six} for 6 (an N+1)"


def test_a_record_type_without_a_factory_is_told_what_to_declare():
    """Not skipped: the registration test fails for it with the fix in the message."""
    from django.contrib.auth.models import Group

    from centric.core.records import OWNED, DerivedFrom, RecordType

    bare = RecordType(model=Group, key="group", visibility=OWNED, api_path="/groups")
    (problem,) = declaration_problems(bare)
    assert "auth.group" in problem and "test_factory=" in problem
    nothing = RecordType(model=Group, key="group", visibility=OWNED, test_factory="x.make")
    assert "neither url_names nor api_path" in declaration_problems(nothing)[0]
    derived = RecordType(model=Group, key="group", visibility=DerivedFrom(("user",)))
    assert declaration_problems(derived) == []
