"""Settings pages: custom fields, tags, lifecycle stages, record visibility — and who may use them."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from centric.core.models import AuditEvent, VisibilityPolicy
from centric.customers.models import LifecycleStage, Person
from centric.extras import services
from centric.extras.models import CustomFieldDefinition, Tag

pytestmark = pytest.mark.django_db

PAGES = [
    "/settings/fields/",
    "/settings/fields/new/",
    "/settings/fields/{field}/",
    "/settings/fields/{field}/delete/",
    "/settings/tags/",
    "/settings/tags/{tag}/",
    "/settings/tags/{tag}/delete/",
    "/settings/stages/",
    "/settings/stages/{stage}/",
    "/settings/stages/{stage}/delete/",
    "/settings/visibility/",
]


@pytest.fixture
def subjects(db):
    field = services.custom_field_create(
        record_type="person", key="shoe_size", label="Shoe size", field_type="integer"
    )
    tag = services.tag_create(name="VIP")
    stage = LifecycleStage.objects.get(key="lead")
    return {"field": field.pk, "tag": tag.pk, "stage": stage.pk}


@pytest.mark.parametrize("page", ["/settings/", *PAGES])
def test_anonymous_is_sent_to_sign_in(page, subjects):
    response = Client().get(page.format(**subjects))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("page", PAGES)
def test_front_office_is_refused_and_audited(page, subjects, make_user, logged_in_client):
    clerk = make_user("clerk", role="Front office")
    response = logged_in_client(clerk).get(page.format(**subjects))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(kind="permission_denied", actor=clerk).count() == 1


@pytest.mark.parametrize("page", PAGES)
def test_administrator_role_opens_every_settings_page(page, subjects, make_user, logged_in_client):
    boss = make_user("boss", role="Administrator")
    assert logged_in_client(boss).get(page.format(**subjects)).status_code == 200


def test_settings_index_shows_each_user_what_their_role_allows(make_user, logged_in_client):
    clerk_page = logged_in_client(make_user("clerk", role="Front office")).get("/settings/")
    assert clerk_page.status_code == 200
    body = clerk_page.content.decode()
    assert 'href="/accounts/2fa/"' in body
    assert 'href="/staff/tokens/"' in body
    assert 'href="/settings/visibility/"' not in body
    boss_page = logged_in_client(make_user("boss", role="Administrator")).get("/settings/")
    assert 'href="/settings/visibility/"' in boss_page.content.decode()


def test_refused_delete_changes_nothing(subjects, make_user, logged_in_client):
    clerk = make_user("clerk", role="Front office")
    logged_in_client(clerk).post(f"/settings/tags/{subjects['tag']}/delete/")
    assert Tag.objects.filter(pk=subjects["tag"]).exists()


# --- Custom fields ----------------------------------------------------------------------------


def test_create_choice_field(admin_user, logged_in_client):
    response = logged_in_client(admin_user).post(
        "/settings/fields/new/",
        {
            "record_type": "person",
            "key": "branch",
            "label": "Branch",
            "field_type": "choice",
            "choices": "Lekki\nIkeja\n\nYaba ",
            "max_length": 255,
            "position": 0,
        },
    )
    assert response.status_code == 302
    definition = CustomFieldDefinition.objects.get(key="branch")
    assert definition.choices == ["Lekki", "Ikeja", "Yaba"]


def test_choice_field_without_choices_is_refused(admin_user, logged_in_client):
    response = logged_in_client(admin_user).post(
        "/settings/fields/new/",
        {
            "record_type": "person",
            "key": "branch",
            "label": "Branch",
            "field_type": "choice",
            "choices": "",
            "max_length": 255,
            "position": 0,
        },
    )
    assert response.status_code == 200
    assert "choices" in response.context["form"].errors
    assert not CustomFieldDefinition.objects.filter(key="branch").exists()


def test_min_above_max_and_duplicate_key_are_refused(subjects):
    with pytest.raises(ValidationError) as error:
        services.custom_field_create(
            record_type="person",
            key="age",
            label="Age",
            field_type="integer",
            min_value=10,
            max_value=5,
        )
    assert "max_value" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.custom_field_create(record_type="person", key="shoe_size", label="Again")
    assert CustomFieldDefinition.objects.count() == 1


def test_edit_field_keeps_key_and_applies_limits(subjects, admin_user, logged_in_client):
    from centric.extras.services import custom_fields_clean

    response = logged_in_client(admin_user).post(
        f"/settings/fields/{subjects['field']}/",
        {
            "record_type": "organisation",
            "key": "changed",
            "label": "Shoe size (EU)",
            "field_type": "integer",
            "is_required": "on",
            "max_length": 255,
            "min_value": "30",
            "max_value": "50",
            "position": 1,
        },
    )
    assert response.status_code == 302
    definition = CustomFieldDefinition.objects.get(pk=subjects["field"])
    assert (definition.key, definition.record_type) == ("shoe_size", "person")
    assert definition.label == "Shoe size (EU)"
    assert definition.is_required
    with pytest.raises(ValidationError):
        custom_fields_clean(record_type="person", values={"shoe_size": 60})
    with pytest.raises(ValidationError):
        custom_fields_clean(record_type="person", values={})
    assert custom_fields_clean(record_type="person", values={"shoe_size": "42"}) == {
        "shoe_size": 42
    }


def test_delete_field(subjects, admin_user, logged_in_client):
    response = logged_in_client(admin_user).post(f"/settings/fields/{subjects['field']}/delete/")
    assert response.status_code == 302
    assert not CustomFieldDefinition.objects.exists()


# --- Tags -------------------------------------------------------------------------------------


def test_tag_create_rename_delete(admin_user, logged_in_client):
    client = logged_in_client(admin_user)
    client.post("/settings/tags/", {"name": "Wholesale", "colour": "#1d4ed8"})
    tag = Tag.objects.get(name="Wholesale")
    assert tag.colour == "#1d4ed8"

    client.post(f"/settings/tags/{tag.pk}/", {"name": "Wholesale buyers", "colour": "#1d4ed8"})
    tag.refresh_from_db()
    assert (tag.name, tag.slug) == ("Wholesale buyers", "wholesale-buyers")

    client.post(f"/settings/tags/{tag.pk}/delete/")
    assert not Tag.objects.filter(pk=tag.pk).exists()


def test_duplicate_tag_name_is_refused(subjects, admin_user, logged_in_client):
    response = logged_in_client(admin_user).post(
        "/settings/tags/", {"name": "vip", "colour": "#000000"}
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert Tag.objects.count() == 1


def test_deleting_a_tag_takes_it_off_people(subjects, admin_user):
    from centric.customers.services.people import person_create

    person = person_create(actor=admin_user, first_name="Ada", tags=["VIP"])
    services.tag_delete(tag=Tag.objects.get(pk=subjects["tag"]))
    assert person.tags.count() == 0
    assert Person.objects.filter(pk=person.pk).exists()


# --- Lifecycle stages -------------------------------------------------------------------------


def test_stages_page_lists_counts(admin_user, logged_in_client):
    from centric.customers.services.people import person_create

    person_create(actor=admin_user, first_name="Ada", lifecycle_stage="lead")
    response = logged_in_client(admin_user).get("/settings/stages/")
    lead = next(s for s in response.context["stages"] if s.key == "lead")
    assert lead.people_count == 1


def test_rename_stage_and_flag_customer(admin_user, logged_in_client):
    stage = LifecycleStage.objects.get(key="qualified")
    logged_in_client(admin_user).post(
        f"/settings/stages/{stage.pk}/", {"label": "Warm lead", "counts_as_customer": "on"}
    )
    stage.refresh_from_db()
    assert (stage.key, stage.label, stage.counts_as_customer) == ("qualified", "Warm lead", True)


def test_reorder_stages(admin_user, logged_in_client):
    stage = LifecycleStage.objects.get(key="lead")
    logged_in_client(admin_user).post(f"/settings/stages/{stage.pk}/move/", {"direction": "up"})
    keys = list(LifecycleStage.objects.order_by("position").values_list("key", flat=True))
    assert keys[:3] == ["lead", "subscriber", "qualified"]


def test_add_stage(admin_user, logged_in_client):
    logged_in_client(admin_user).post(
        "/settings/stages/", {"label": "Dormant", "key": "", "counts_as_customer": ""}
    )
    stage = LifecycleStage.objects.get(key="dormant")
    assert stage.position == LifecycleStage.objects.order_by("-position").first().position


def test_stage_in_use_cannot_be_deleted(admin_user, logged_in_client):
    from centric.customers.services.people import person_create

    person_create(actor=admin_user, first_name="Ada", lifecycle_stage="lead")
    stage = LifecycleStage.objects.get(key="lead")

    response = logged_in_client(admin_user).post(
        f"/settings/stages/{stage.pk}/delete/", follow=True
    )

    assert LifecycleStage.objects.filter(key="lead").exists()
    assert "is in use by 1 records" in response.content.decode()


def test_unused_stage_is_deleted(admin_user, logged_in_client):
    stage = LifecycleStage.objects.get(key="churned")
    logged_in_client(admin_user).post(f"/settings/stages/{stage.pk}/delete/")
    assert not LifecycleStage.objects.filter(key="churned").exists()


# --- Record visibility ------------------------------------------------------------------------


def test_visibility_page_saves_levels_and_audits(admin_user, logged_in_client):
    from centric.core.records import registry

    client = logged_in_client(admin_user)
    page = client.get("/settings/visibility/")
    # Every owned record type registered with the kit, the test app's voucher included.
    owned = [rt.label for rt in registry.record_types() if rt.has_configurable_visibility]
    assert {"customers.person", "customers.organisation", "kit_app.voucher", "sales.deal"} <= set(
        owned
    )
    # Each starts at the team level, but the knowledge base, read by everyone (decision 0072).
    expected = {label.replace(".", "__"): "team" for label in owned}
    expected["knowledge__article"] = "public_read"
    assert page.context["form"].initial == expected
    chosen = dict(expected)
    chosen.update(customers__person="private", customers__organisation="public_read_write")

    response = client.post("/settings/visibility/", chosen)

    assert response.status_code == 302
    levels = dict(VisibilityPolicy.objects.values_list("record_type", "level"))
    assert levels == {field.replace("__", "."): level for field, level in chosen.items()}
    assert AuditEvent.objects.filter(kind="permission_change", actor=admin_user).count() == 2


def test_visibility_page_refuses_unknown_level(admin_user, logged_in_client):
    response = logged_in_client(admin_user).post(
        "/settings/visibility/",
        {"customers__person": "everyone", "customers__organisation": "team"},
    )
    assert response.status_code == 200
    assert not VisibilityPolicy.objects.exists()


def test_manager_without_manage_staff_cannot_change_visibility(make_user, logged_in_client):
    manager = make_user("manager", role="Manager")
    response = logged_in_client(manager).post(
        "/settings/visibility/", {"customers__person": "public_read_write"}
    )
    assert response.status_code == 403
    assert not VisibilityPolicy.objects.exists()


# --- Deleting needs the delete permission, not only change ----------------------------------

EDIT_NOT_DELETE = [
    "extras.view_customfielddefinition",
    "extras.add_customfielddefinition",
    "extras.change_customfielddefinition",
    "extras.view_tag",
    "extras.add_tag",
    "extras.change_tag",
    "customers.view_lifecyclestage",
    "customers.add_lifecyclestage",
    "customers.change_lifecyclestage",
]


@pytest.fixture
def editor(roles):
    from centric.staff.services.users import role_create, user_create

    role = role_create(name="Settings editor", permissions=EDIT_NOT_DELETE)
    return user_create(username="editor", password="correct-horse-battery", roles=[role])


@pytest.fixture
def unused_stage(db):
    from centric.customers.services.stages import lifecycle_stage_create

    return lifecycle_stage_create(key="dormant", label="Dormant")


@pytest.mark.parametrize(
    ("page", "model"),
    [
        ("/settings/fields/{pk}/delete/", CustomFieldDefinition),
        ("/settings/tags/{pk}/delete/", Tag),
        ("/settings/stages/{pk}/delete/", LifecycleStage),
    ],
)
def test_change_without_delete_permission_cannot_delete(
    page, model, subjects, unused_stage, editor, logged_in_client
):
    pk = {
        CustomFieldDefinition: subjects["field"],
        Tag: subjects["tag"],
        LifecycleStage: unused_stage.pk,
    }[model]
    client = logged_in_client(editor)
    assert client.get(page.format(pk=pk)).status_code == 403
    assert client.post(page.format(pk=pk)).status_code == 403
    assert model.objects.filter(pk=pk).exists()
    denied = AuditEvent.objects.filter(kind="permission_denied", actor=editor).count()
    assert denied == 2


def test_change_without_delete_permission_sees_no_delete_buttons(
    subjects, unused_stage, editor, logged_in_client
):
    client = logged_in_client(editor)
    for page in ("/settings/fields/", "/settings/tags/", "/settings/stages/"):
        response = client.get(page)
        assert response.status_code == 200  # the change permission opens the page
        assert "/delete/" not in response.content.decode()


def test_the_api_has_no_delete_for_settings_records(subjects, editor, api_client):
    """The pages are the only way to delete these: the API lists and creates them, no more."""
    client = api_client(editor)
    for path in (
        f"/api/v1/tags/{subjects['tag']}",
        f"/api/v1/custom-fields/{subjects['field']}",
        f"/api/v1/lifecycle-stages/{subjects['stage']}",
    ):
        assert client.delete(path).status_code in {404, 405}
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        if path.startswith(("/api/v1/tags", "/api/v1/custom-fields", "/api/v1/lifecycle-stages")):
            assert "delete" not in operations, path
    assert Tag.objects.filter(pk=subjects["tag"]).exists()
    assert CustomFieldDefinition.objects.filter(pk=subjects["field"]).exists()
