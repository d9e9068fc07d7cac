"""Pages of the customer record: lists, the person 360° page, forms. Thin adapters over
selectors (reads, always through the visibility rule) and services (writes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from centric.core.audit import client_ip
from centric.core.htmx import render_page, wants_partial
from centric.core.kit.pages import DEFAULT_PAGE_SIZE, page_size, page_view
from centric.core.pagination import Page, keyset_page
from centric.core.views import panels_for
from centric.core.visibility import has_model_permission
from centric.customers import services
from centric.customers.choices import ConsentPurpose, ContactKind
from centric.customers.filters import filter_organisations, filter_people
from centric.customers.forms import (
    ConsentForm,
    ContactPointForm,
    MembershipForm,
    OrganisationFilterForm,
    PersonFilterForm,
)
from centric.customers.history import organisation_history as build_organisation_history
from centric.customers.history import person_history as build_person_history
from centric.customers.models import ContactPoint, Organisation, Person
from centric.customers.selectors import (
    organisation_get,
    organisations_visible,
    people_visible,
    person_get,
)
from centric.customers.selectors import (
    person_detail as select_person_detail,
)
from centric.extras.features import custom_field_rows

LIST_PARAMS_NOT_EXPORTED = ("cursor", "size")


def _export_query(request: HttpRequest) -> str:
    params = request.GET.copy()
    for name in LIST_PARAMS_NOT_EXPORTED:
        params.pop(name, None)
    return params.urlencode()


@dataclass(frozen=True)
class CustomerList:
    """What the people and organisations lists differ in; the page is one (customer_list.html)."""

    model: type[Person | Organisation]
    filter_function: Callable[..., Any]
    filter_form: type[PersonFilterForm]
    rows_template: str
    title: Any
    new_label: Any
    filter_label: Any
    showing: Callable[[int], str]  # "Showing 3 people"
    exports: tuple[tuple[str, str], ...]


PEOPLE_LIST = CustomerList(
    model=Person,
    filter_function=filter_people,
    filter_form=PersonFilterForm,
    rows_template="customers/partials/person_rows.html",
    title=gettext_lazy("People"),
    new_label=gettext_lazy("New person"),
    filter_label=gettext_lazy("Filter people"),
    showing=lambda n: ngettext("Showing %(counter)s person", "Showing %(counter)s people", n),
    exports=(
        ("CSV", "/imports/export/people.csv"),
        ("XLSX", "/imports/export/people.xlsx"),
        ("vCard", "/imports/export/people.vcf"),
    ),
)
ORGANISATIONS_LIST = CustomerList(
    model=Organisation,
    filter_function=filter_organisations,
    filter_form=OrganisationFilterForm,
    rows_template="customers/partials/organisation_rows.html",
    title=gettext_lazy("Organisations"),
    new_label=gettext_lazy("New organisation"),
    filter_label=gettext_lazy("Filter organisations"),
    showing=lambda n: ngettext(
        "Showing %(counter)s organisation", "Showing %(counter)s organisations", n
    ),
    exports=(
        ("CSV", "/imports/export/organisations.csv"),
        ("XLSX", "/imports/export/organisations.xlsx"),
    ),
)


def _list(request: HttpRequest, declared: CustomerList) -> HttpResponse:
    """A declared list: visible queryset + filters + keyset page, the table refreshed by htmx."""
    user = request.user
    model = declared.model
    if not has_model_permission(user, model, "view"):
        raise PermissionDenied  # as the API: a list one may not read at all is a 403
    queryset = model.objects.visible_to(user).select_related("lifecycle_stage", "owner", "team")
    errors: list[str] = []
    try:
        filtered, ordering = declared.filter_function(queryset, request.GET.dict(), user)
        page = keyset_page(
            filtered, ordering=ordering, cursor=request.GET.get("cursor"), size=page_size(request)
        )
    except ValidationError as error:
        errors = error.messages
        page = Page(items=[])
    label = model._meta.model_name
    count = len(page.items)
    context = {
        "filter_form": declared.filter_form(request.GET),
        "page": page,
        "errors": errors,
        "export_query": _export_query(request),
        "is_filtered": any(
            value for key, value in request.GET.items() if key not in ("sort", "cursor", "size")
        ),
        "default_sort": "name",
        "can_export": user.has_perm("customers.export_person"),
        "can_import": user.has_perm("imports.add_importjob"),
        "can_add": user.has_perm(f"customers.add_{label}"),
        "title": declared.title,
        "new_label": declared.new_label,
        "filter_label": declared.filter_label,
        "showing": declared.showing(count) % {"counter": count},
        "exports": declared.exports,
        "rows_template": declared.rows_template,
        "list_url": reverse(f"customers:{label}_list"),
        "create_url": reverse(f"customers:{label}_create"),
    }
    return render_page(request, "customers/customer_list.html", context, partial="table")


# ---------------------------------------------------------------- people


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    return _list(request, PEOPLE_LIST)


def _person_or_404(user: Any, pk: int) -> Person:
    try:
        return select_person_detail(user, pk)
    except Person.DoesNotExist:
        raise Http404(_("No such person.")) from None


def _can_change(user: Any, model: type[Person | Organisation], pk: int) -> bool:
    return model.objects.visible_to(user, "change").filter(pk=pk).exists()


def _custom_field_rows(record: Any, record_type: str) -> list[tuple[str, Any]]:
    return custom_field_rows(record_type, record.custom_fields or {})


def _person_context(request: HttpRequest, person: Person, *, tab: str) -> dict[str, Any]:
    contact_points = list(person.contact_points.all())
    consent_list = list(person.consents.all())
    prefetch_related_objects(consent_list, "recorded_by")
    consents = {consent.purpose: consent for consent in consent_list}
    can_change = _can_change(request.user, Person, person.pk)
    return {
        "person": person,
        "tab": tab,
        "can_change": can_change,
        "can_remove_contact_points": can_change
        and request.user.has_perm("customers.delete_contactpoint"),
        "can_remove_memberships": can_change
        and request.user.has_perm("customers.delete_membership"),
        "can_export": request.user.has_perm("customers.export_person"),
        "contact_points": contact_points,
        "memberships": list(person.memberships.all()),
        "tags": list(person.tags.all()),
        "custom_field_rows": _custom_field_rows(person, "person"),
        "consent_rows": [
            (value, label, consents.get(value)) for value, label in ConsentPurpose.choices
        ],
        "utm": [
            (label, getattr(person, name))
            for name, label in (
                ("utm_source", _("UTM source")),
                ("utm_medium", _("UTM medium")),
                ("utm_campaign", _("UTM campaign")),
                ("utm_term", _("UTM term")),
                ("utm_content", _("UTM content")),
            )
            if getattr(person, name)
        ],
    }


def _merged_into(user: Any, pk: int) -> int | None:
    """The surviving record a visible, merged-away person now lives in, if any."""
    return (
        Person.objects.visible_to(user, include_merged=True)
        .filter(pk=pk, merged_into__isnull=False)
        .values_list("merged_into_id", flat=True)
        .first()
    )


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The 360° page: profile, contact points, organisations, consent and the timeline."""
    try:
        person = select_person_detail(request.user, pk)
    except Person.DoesNotExist:
        survivor = _merged_into(request.user, pk)
        if survivor is None:
            raise Http404(_("No such person.")) from None
        messages.info(request, _("This record was merged; you are seeing the combined record."))
        return redirect("customers:person_detail", pk=survivor)
    context = _person_context(request, person, tab="timeline")
    # The timeline and any other app's sections, as registered with the record kit.
    context["panels"] = panels_for(request, "customers.person", person)
    return render(request, "customers/person_detail.html", context)


@login_required
def person_history(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request.user, pk)
    context = _person_context(request, person, tab="history")
    context["history"] = build_person_history(person)
    return render(request, "customers/person_detail.html", context)


def _person_for_change(user: Any, pk: int) -> Person:
    """A person the user may change: 404 when they may not even see it, 403 when only view."""
    try:
        person_get(user, pk)
    except Person.DoesNotExist:
        raise Http404(_("No such person.")) from None
    try:
        return person_get(user, pk, "change")
    except Person.DoesNotExist:
        raise PermissionDenied from None


# The create and edit pages are the record kit's (declared in records.py).
person_create = page_view(Person, "create")
person_update = page_view(Person, "update")
organisation_create = page_view(Organisation, "create")
organisation_update = page_view(Organisation, "update")
# A confirmation page, then the deletion; the delete permission, as on the API.
organisation_delete = page_view(Organisation, "delete")


@login_required
@require_POST
def person_delete(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for_change(request.user, pk)
    if not request.user.has_perm("customers.delete_person"):
        raise PermissionDenied
    name = person.full_name
    services.person_delete(person=person, actor=request.user)
    messages.success(request, _("%(name)s was deleted.") % {"name": name})
    return redirect("customers:person_list")


# ---------------------------------------------------------------- contact points, organisations, consent


def _owner_url(owner: Person | Organisation) -> str:
    if isinstance(owner, Person):
        return reverse("customers:person_detail", args=[owner.pk])
    return reverse("customers:organisation_detail", args=[owner.pk])


def _organisation_for_change(user: Any, pk: int) -> Organisation:
    """An organisation the user may change: 404 when they may not see it, 403 when only view."""
    _organisation_or_404(user, pk)
    try:
        return organisation_get(user, pk, "change")
    except Organisation.DoesNotExist:
        raise PermissionDenied from None


def _contact_form_page(
    request: HttpRequest, owner: Person | Organisation, form, point, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "customers/contact_point_form.html",
        {
            "form": form,
            "owner": owner,
            "owner_url": _owner_url(owner),
            "is_person": isinstance(owner, Person),
            "point": point,
        },
        status=422 if form.errors else status,
    )


def _contact_point_add(request: HttpRequest, owner: Person | Organisation) -> HttpResponse:
    form = ContactPointForm(request.POST or None, initial={"kind": ContactKind.PHONE})
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_point_add(owner=owner, actor=request.user, **form.service_fields())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Contact added."))
            return redirect(_owner_url(owner))
    return _contact_form_page(request, owner, form, None)


def _point_or_404(owner: Person | Organisation, point_pk: int) -> ContactPoint:
    try:
        return owner.contact_points.get(pk=point_pk)
    except ContactPoint.DoesNotExist:
        raise Http404(_("No such contact.")) from None


def _contact_point_edit(
    request: HttpRequest, owner: Person | Organisation, point_pk: int
) -> HttpResponse:
    point = _point_or_404(owner, point_pk)
    if request.method == "POST":
        form = ContactPointForm(request.POST)
        if form.is_valid():
            try:
                services.contact_point_update(
                    point=point, actor=request.user, **form.service_fields()
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Contact saved."))
                return redirect(_owner_url(owner))
    else:
        form = ContactPointForm(
            initial={name: getattr(point, name) for name in ContactPointForm.base_fields}
        )
    return _contact_form_page(request, owner, form, point)


def _require_perm(user: Any, perm: str) -> None:
    """The model permission the API asks for too (e.g. removing needs `delete_…`, not only the
    right to change the record): a 403, checked once the record is known to be visible."""
    if not user.has_perm(perm):
        raise PermissionDenied


def _contact_point_remove(
    request: HttpRequest, owner: Person | Organisation, point_pk: int
) -> HttpResponse:
    _require_perm(request.user, "customers.delete_contactpoint")
    point = _point_or_404(owner, point_pk)
    services.contact_point_remove(point=point, actor=request.user)
    messages.success(request, _("Contact removed."))
    return redirect(_owner_url(owner))


@login_required
def contact_point_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _contact_point_add(request, _person_for_change(request.user, pk))


@login_required
def contact_point_edit(request: HttpRequest, pk: int, point_pk: int) -> HttpResponse:
    return _contact_point_edit(request, _person_for_change(request.user, pk), point_pk)


@login_required
@require_POST
def contact_point_remove(request: HttpRequest, pk: int, point_pk: int) -> HttpResponse:
    return _contact_point_remove(request, _person_for_change(request.user, pk), point_pk)


@login_required
def organisation_contact_point_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _contact_point_add(request, _organisation_for_change(request.user, pk))


@login_required
def organisation_contact_point_edit(request: HttpRequest, pk: int, point_pk: int) -> HttpResponse:
    return _contact_point_edit(request, _organisation_for_change(request.user, pk), point_pk)


@login_required
@require_POST
def organisation_contact_point_remove(request: HttpRequest, pk: int, point_pk: int) -> HttpResponse:
    return _contact_point_remove(request, _organisation_for_change(request.user, pk), point_pk)


@login_required
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for_change(request.user, pk)
    organisations = organisations_visible(request.user).order_by("name", "id")
    form = MembershipForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_set(
                person=person,
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
                is_primary=form.cleaned_data["is_primary"],
            )
        except ValidationError as error:
            for key, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(key if key in form.fields else None, message)
        else:
            messages.success(request, _("Organisation added."))
            return redirect("customers:person_detail", pk=person.pk)
    return render(
        request,
        "customers/membership_form.html",
        {"form": form, "person": person},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def membership_remove(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    person = _person_for_change(request.user, pk)
    _require_perm(request.user, "customers.delete_membership")
    try:
        organisation = organisation_get(request.user, organisation_pk)
    except Organisation.DoesNotExist as error:
        raise Http404 from error
    services.membership_remove(person=person, organisation=organisation)
    messages.success(
        request, _("Taken out of %(organisation)s.") % {"organisation": organisation.name}
    )
    return redirect("customers:person_detail", pk=person.pk)


@login_required
def consent_record(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for_change(request.user, pk)
    form = ConsentForm(request.POST or None, initial={"purpose": request.GET.get("purpose")})
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(
                person=person,
                actor=request.user,
                ip_address=client_ip(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            for key, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(key if key in form.fields else None, message)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("customers:person_detail", pk=person.pk)
    return render(
        request,
        "customers/consent_form.html",
        {"form": form, "person": person},
        status=422 if form.errors else 200,
    )


# ---------------------------------------------------------------- organisations


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    return _list(request, ORGANISATIONS_LIST)


def _organisation_or_404(user: Any, pk: int, action: str = "view") -> Organisation:
    try:
        return organisation_get(user, pk, action)
    except Organisation.DoesNotExist:
        raise Http404(_("No such organisation.")) from None


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisation's page: contact, details, its people and its timeline (with its people's
    interactions unless narrowed to the organisation itself), and the add form."""
    organisation = _organisation_or_404(request.user, pk)
    members = (
        people_visible(request.user)
        .filter(memberships__organisation=organisation)
        .select_related("lifecycle_stage")
        .order_by("last_name", "first_name", "id")
    )
    member_page = keyset_page(
        members,
        ordering=["last_name", "first_name", "id"],
        cursor=request.GET.get("cursor"),
        size=DEFAULT_PAGE_SIZE,
    )
    roles = dict(
        organisation.memberships.filter(person__in=[p.pk for p in member_page.items]).values_list(
            "person_id", "role"
        )
    )
    for member in member_page.items:
        member.role = roles.get(member.pk, "")
    can_change = _can_change(request.user, Organisation, organisation.pk)
    context = {
        "organisation": organisation,
        "can_change": can_change,
        "can_remove_contact_points": can_change
        and request.user.has_perm("customers.delete_contactpoint"),
        "contact_points": list(organisation.contact_points.all()),
        "tags": list(organisation.tags.all()),
        "custom_field_rows": _custom_field_rows(organisation, "organisation"),
        "member_page": member_page,
    }
    if not wants_partial(request):  # an htmx request here is only for the next page of members
        context["panels"] = panels_for(request, "customers.organisation", organisation)
    return render_page(request, "customers/organisation_detail.html", context, partial="members")


@login_required
def organisation_history(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation_or_404(request.user, pk)
    return render(
        request,
        "customers/organisation_history.html",
        {"organisation": organisation, "history": build_organisation_history(organisation)},
    )
