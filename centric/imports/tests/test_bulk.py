"""The bulk insert helpers: rows given as attribute dicts land exactly as the ORM would store them."""

import datetime as dt

import pytest
from django.utils import timezone

from centric.customers.models import ContactPoint, Person
from centric.imports.services import bulk

pytestmark = pytest.mark.django_db

AWKWARD = "back\\slash\ttab\nnew line\r\\N ‘quotes’ Ọ̀kàfọ̀"


def test_copy_cell_writes_copy_text_format():
    moment = dt.datetime(2026, 11, 23, 14, 50, 1, 250, tzinfo=dt.UTC)

    cells = [bulk.copy_cell(v) for v in (None, True, False, 7, "a\\b\tc\nd\re", moment)]

    assert cells == ["\\N", "t", "f", "7", "a\\\\b\\tc\\nd\\re", "2026-11-23T14:50:01.000250+00:00"]
    # Other control and separator characters need no escaping in COPY's text format.
    assert [bulk.copy_cell(v) for v in ("a\x0bb", "x\u2028y", "Ọ̀kàfọ̀")] == [
        "a\x0bb",
        "x\u2028y",
        "Ọ̀kàfọ̀",
    ]


def test_split_layout_gives_the_same_cells_as_the_whole_layout():
    layout = bulk.layout(Person)
    split = bulk.SplitLayout(layout, ["id", "owner_id", "created_at"])
    values = {"id": 5, "first_name": AWKWARD, "custom_fields": {"a": 1}, "search_name": "x"}
    values["created_at"] = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)

    head = [bulk.copy_cell(values["id"]), "\\N", bulk.copy_cell(values["created_at"])]
    line = "\t".join(head) + "\t" + split.rest(values)

    assert dict(zip(split.columns, line.split("\t"), strict=True)) == dict(
        zip(layout.columns, layout.line(values).split("\t"), strict=True)
    )


def test_shared_rest_gives_each_split_layouts_own_text():
    """One conversion for the record and its history row gives what each layout gives alone,
    whatever attributes a row gives and in whatever order (each shape has its own template)."""
    record = bulk.SplitLayout(bulk.layout(Person), ["id", "owner_id", "team_id", "created_at"])
    history = bulk.SplitLayout(bulk.layout(Person, history=True), ["id", "owner_id", "created_at"])
    shared = bulk.SharedRest(record, history)
    shapes = [
        {"first_name": AWKWARD, "custom_fields": {"a": "{b}"}, "search_name": "x"},
        {"search_name": "{0}", "first_name": "Bayo", "date_of_birth": dt.date(1990, 2, 28)},
        {"first_name": "Ngozi", "needs_attention": [{"field": "phone", "value": "0803 12"}]},
        {"first_name": "Ngozi", "custom_fields": {}, "not_a_column": 3},
        {},
    ]

    for values in shapes * 2:  # the second time from the cached template
        assert shared.rest(values) == [record.rest(values), history.rest(values)]


def test_inserted_values_read_back_as_given_with_defaults_and_history(make_user):
    user = make_user("bulk")
    now = timezone.now()
    rows = [
        {
            "first_name": AWKWARD,
            "last_name": "Okafor",
            "search_name": "x",
            "external_id": "B1",
            "date_of_birth": dt.date(1990, 2, 28),
            "custom_fields": {"note": AWKWARD, "n": 3, "ok": True},
            "owner_id": user.pk,
            "created_at": now,
        },
        {"first_name": "Bayo", "last_name": "", "search_name": "bayo", "created_at": now},
    ]

    bulk.insert_values(Person, rows, now=now)
    bulk.insert_history_values(Person, rows, user=user, reason="Import #1", date=now)

    first, second = (Person.objects.get(pk=row["id"]) for row in rows)
    assert (first.first_name, first.custom_fields["note"]) == (AWKWARD, AWKWARD)
    assert first.custom_fields == {"note": AWKWARD, "n": 3, "ok": True}
    assert (first.date_of_birth, first.owner_id, first.external_id) == (
        dt.date(1990, 2, 28),
        user.pk,
        "B1",
    )
    assert (first.created_at, first.version) == (now, 1)
    assert first.updated_at >= now
    assert (second.external_id, second.custom_fields, second.middle_name) == (None, {}, "")
    assert second.lifecycle_stage_id == Person._meta.get_field("lifecycle_stage").get_default()
    history = first.history.get()
    assert (history.history_type, history.history_user_id, history.history_change_reason) == (
        "+",
        user.pk,
        "Import #1",
    )
    assert (history.first_name, history.custom_fields, history.history_date) == (
        AWKWARD,
        first.custom_fields,
        now,
    )


def test_inserted_contact_points_keep_flags_and_owner():
    person = Person.objects.create(first_name="Ada", last_name="Okafor", search_name="ada okafor")
    now = timezone.now()
    rows = [
        {"kind": "phone", "value": "0803 123 4567", "value_normalized": "+2348031234567"},
        {"kind": "address", "value": "Lagos", "value_normalized": "lagos", "city": "Lagos"},
    ]
    for row in rows:
        row.update(person_id=person.pk, is_primary=row["kind"] == "phone", created_at=now)

    bulk.insert_values(ContactPoint, rows, now=now)
    bulk.insert_history_values(ContactPoint, rows, date=now)

    stored = ContactPoint.objects.filter(person=person).order_by("id")
    assert [(p.kind, p.value_normalized, p.is_primary, p.is_verified, p.city) for p in stored] == [
        ("phone", "+2348031234567", True, False, ""),
        ("address", "lagos", False, False, "Lagos"),
    ]
    assert [p.pk for p in stored] == [row["id"] for row in rows]
    assert ContactPoint.history.filter(person_id=person.pk, history_user=None).count() == 2


def _stored(person_model, point_model):
    def snapshot(queryset, exclude):
        return sorted(
            tuple(sorted((k, str(v)) for k, v in row.items() if k not in exclude))
            for row in queryset.values()
        )

    moments = {"id", "created_at", "updated_at", "history_id", "history_date"}
    moments.add("history_change_reason")  # "Import #<job id>"
    owners = moments | {"person_id"}
    return (
        snapshot(person_model.objects.all(), moments),
        snapshot(person_model.history.all(), moments),
        snapshot(point_model.objects.all(), owners),
        snapshot(point_model.history.all(), owners),
    )


def test_rows_formatted_by_the_preparing_workers_store_what_the_plain_path_stores(
    write_file, make_user, monkeypatch, stages
):
    """On PostgreSQL new rows arrive as COPY text made in the workers (NewRowText); the
    stored people, contact points and history equal those of the attribute-dict path."""
    from centric.imports.services import import_file
    from centric.imports.services.rows import NewRowText

    owner = make_user("text-owner")
    content = (
        "id,First name,Middle name,Last name,Phone,Email,Mobile,City,Country,Stage,Owner,Source\n"
        'T1,"Ada\\\\Tab\tX",T.,Ọ̀kàfọ̀,0803 123 4567,ADA@Example.com,+234 805 555 0101,Lagos,ng,'
        "lead,text-owner,walk-in\n"
        "T2,Bayo,,Adeyemi,,bayo@example.com,,,,,,\n"
        'T3,"Chidi\nNew line",,Eze,(0803) 765-4321,,,Ikeja,,customer,,\n'
    )
    path = write_file("p.csv", content)

    import_file(path=path, record_type="people", owner=owner)
    preformatted = _stored(Person, ContactPoint)
    ContactPoint.objects.all().delete()
    Person.objects.all().delete()
    ContactPoint.history.all().delete()
    Person.history.all().delete()
    monkeypatch.setattr(NewRowText, "format", lambda self, prepared: None)
    import_file(path=path, record_type="people", owner=owner)
    plain = _stored(Person, ContactPoint)

    assert preformatted == plain
    assert [len(table) for table in plain] == [3, 3, 7, 7]
    assert Person.objects.get(external_id="T1").first_name == "Ada\\\\Tab\tX"
    assert Person.objects.get(external_id="T3").first_name == "Chidi\nNew line"
