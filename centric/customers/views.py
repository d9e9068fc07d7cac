"""Pages of the customer record that are its own: the lists and the contact-point, membership
and consent forms (the record pages are the record kit's, declared in records.py). Thin
adapters over selectors (reads, always through the visibility rule) and services (writes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from centric.core.audit import client_ip
from centric.core.htmx import render_page
from centric.core.kit.pages import page_size, record_for
from centric.core.pagination import Page, keyset_page
from centric.core.records import registry
from centric.core.visibility import has_model_permission
from centric.customers import services
from centric.customers.choices import ContactKind
from centric.customers.filters import filter_organisations, filter_people
from centric.customers.forms import (
    ConsentForm,
    ContactPointForm,
    MembershipForm,
    OrganisationFilterForm,
    PersonFilterForm,
)
from centric.customers.models import ContactPoint, Organisation, Person
from centric.customers.selectors import (
    organisation_get,
    organisations_visible,
)

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


def _person_for_change(user: Any, pk: int) -> Person:
    """A person the user may change: 404 when they may not even see it, 403 when only view."""
    return cast(Person, record_for(registry.get(Person), user, pk, "change"))


# ---------------------------------------------------------------- contact points, organisations, consent


OWNER_MODELS: dict[str, type[Person | Organisation]] = {
    "person": Person,
    "organisation": Organisation,
}


def _owner_for_change(user: Any, owner: str, pk: int) -> Person | Organisation:
    """The person or organisation whose contact points change: 404 when the user may not see
    it, 403 when they may only view it."""
    return cast(
        "Person | Organisation", record_for(registry.get(OWNER_MODELS[owner]), user, pk, "change")
    )


def _owner_url(owner: Person | Organisation) -> str:
    return reverse(f"customers:{owner._meta.model_name}_detail", args=[owner.pk])


def _require_perm(user: Any, perm: str) -> None:
    """The model permission the API asks for too (adding a contact point needs `add_…`,
    removing it `delete_…`, not only the right to change the record): a 403, checked once the
    record is known to be visible."""
    if not user.has_perm(perm):
        raise PermissionDenied


def _contact_form_page(
    request: HttpRequest, owner: Person | Organisation, form: ContactPointForm, point: Any
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
        status=422 if form.errors else 200,
    )


def _point_or_404(owner: Person | Organisation, point_pk: int) -> ContactPoint:
    try:
        return owner.contact_points.get(pk=point_pk)
    except ContactPoint.DoesNotExist:
        raise Http404(_("No such contact.")) from None


@login_required
def contact_point_add(request: HttpRequest, pk: int, owner: str) -> HttpResponse:
    record = _owner_for_change(request.user, owner, pk)
    _require_perm(request.user, "customers.add_contactpoint")
    form = ContactPointForm(request.POST or None, initial={"kind": ContactKind.PHONE})
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_point_add(owner=record, actor=request.user, **form.service_fields())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Contact added."))
            return redirect(_owner_url(record))
    return _contact_form_page(request, record, form, None)


@login_required
def contact_point_edit(request: HttpRequest, pk: int, point_pk: int, owner: str) -> HttpResponse:
    record = _owner_for_change(request.user, owner, pk)
    point = _point_or_404(record, point_pk)
    _require_perm(request.user, "customers.change_contactpoint")
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
                return redirect(_owner_url(record))
    else:
        form = ContactPointForm(
            initial={name: getattr(point, name) for name in ContactPointForm.base_fields}
        )
    return _contact_form_page(request, record, form, point)


@login_required
@require_POST
def contact_point_remove(request: HttpRequest, pk: int, point_pk: int, owner: str) -> HttpResponse:
    record = _owner_for_change(request.user, owner, pk)
    _require_perm(request.user, "customers.delete_contactpoint")
    point = _point_or_404(record, point_pk)
    services.contact_point_remove(point=point, actor=request.user)
    messages.success(request, _("Contact removed."))
    return redirect(_owner_url(record))


@login_required
@require_POST
def attention_settle(request: HttpRequest, pk: int, owner: str) -> HttpResponse:
    """Take a value an import kept as typed off the record's needs-attention list."""
    record = _owner_for_change(request.user, owner, pk)
    try:
        services.customer_attention_settle(
            record=record,
            field=request.POST.get("field", "")[:40],
            value=request.POST.get("value", "")[:10_000],
            actor=request.user,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Marked as dealt with."))
    return redirect(_owner_url(record))


@login_required
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for_change(request.user, pk)
    _require_perm(request.user, "customers.add_membership")
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
            form.add_service_errors(error)
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
    _require_perm(request.user, "customers.add_consent")
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
            form.add_service_errors(error)
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
