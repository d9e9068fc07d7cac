"""Staff pages: users, teams, roles, personal API tokens and the audit log. Thin adapters."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from centric.core.lookups import lookup_response
from centric.core.models import AuditEvent
from centric.staff import directory, selectors
from centric.staff.access import permission_required, refuse, show_errors
from centric.staff.forms import (
    AuditFilterForm,
    RoleForm,
    SetPasswordForm,
    TeamForm,
    TokenCreateForm,
    UserCreateForm,
    UserEditForm,
    permission_grid,
)
from centric.staff.models import ApiToken, RoleProfile, Team, User
from centric.staff.services import tokens as token_services
from centric.staff.services import users as user_services

MANAGE = "staff.manage_staff"
AUDIT = "core.view_auditevent"


@login_required
def index(request):
    if request.user.has_perm(MANAGE):
        return redirect("staff:users")
    return redirect("staff:tokens")


# --- Look-up (the owner picker) ---------------------------------------------------------------


@require_safe
@permission_required(*directory.NAME_PERMISSIONS)
def user_lookup(request):
    """At most 20 active staff matching `q`: username (the filter value) and display name."""
    users = selectors.users_lookup(query=request.GET.get("q", ""))
    return lookup_response(
        {
            "value": user.username,
            "label": user.get_full_name() or user.username,
            "detail": user.username,
        }
        for user in users
    )


# --- Users ------------------------------------------------------------------------------------


@permission_required(MANAGE)
def users(request):
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "active")
    team_id = request.GET.get("team", "")
    team_id = int(team_id) if team_id.isdigit() else None
    return render(
        request,
        "staff/users.html",
        {
            "users": selectors.users_list(query=query, team_id=team_id, status=status),
            "teams": Team.objects.order_by("name"),
            "query": query,
            "status": status,
            "team_id": team_id,
        },
    )


@permission_required(MANAGE)
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password = data["password1"] if data["password_choice"] == form.PASSWORD_SET else None
        try:
            user = user_services.user_create(
                username=data["username"],
                password=password,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                team=data["team"],
                roles=list(data["roles"]),
                phone=data["phone"],
                actor=request.user,
            )
        except ValidationError as error:
            show_errors(form, error)
        except PermissionDenied as error:
            raise refuse(request, error) from None
        else:
            messages.success(request, _("Staff user “%(name)s” created.") % {"name": user})
            return redirect("staff:user_edit", pk=user.pk)
    return render(request, "staff/user_form.html", {"form": form, "creating": True})


@permission_required(MANAGE)
def user_edit(request, pk: int):
    subject = get_object_or_404(User.objects.select_related("team"), pk=pk)
    initial = {
        "first_name": subject.first_name,
        "last_name": subject.last_name,
        "email": subject.email,
        "phone": subject.phone,
        "team": subject.team,
        "roles": list(subject.groups.all()),
    }
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # profile and roles change together or not at all
                user_services.user_update(
                    user=subject,
                    actor=request.user,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    phone=data["phone"],
                    team=data["team"],
                )
                user_services.user_set_roles(
                    user=subject, roles=list(data["roles"]), actor=request.user
                )
        except ValidationError as error:
            show_errors(form, error)
        except PermissionDenied as error:
            raise refuse(request, error) from None
        else:
            messages.success(request, _("Saved."))
            return redirect("staff:user_edit", pk=subject.pk)
    return render(
        request,
        "staff/user_form.html",
        {
            "form": form,
            "subject": subject,
            "password_form": SetPasswordForm(),
            "has_password": subject.has_usable_password(),
            "token_count": subject.api_tokens.filter(revoked_at__isnull=True).count(),
        },
    )


@permission_required(MANAGE)
def user_password(request, pk: int):
    subject = get_object_or_404(User, pk=pk)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_services.user_set_password(
                user=subject, password=form.cleaned_data["password1"], actor=request.user
            )
        except ValidationError as error:
            form.add_error("password1", error)
        except PermissionDenied as error:
            raise refuse(request, error) from None
        else:
            messages.success(request, _("Password set."))
            return redirect("staff:user_edit", pk=subject.pk)
    return render(request, "staff/user_password.html", {"form": form, "subject": subject})


@permission_required(MANAGE)
def user_deactivate(request, pk: int):
    subject = get_object_or_404(User, pk=pk)
    error = None
    if request.method == "POST":
        try:
            user_services.user_deactivate(user=subject, actor=request.user)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        except PermissionDenied as refused:
            raise refuse(request, refused) from None
        else:
            messages.success(
                request,
                _("%(name)s is deactivated: signed out everywhere, API tokens revoked.")
                % {"name": subject},
            )
            return redirect("staff:user_edit", pk=subject.pk)
    return render(
        request,
        "staff/user_deactivate.html",
        {
            "subject": subject,
            "error": error,
            "token_count": subject.api_tokens.filter(revoked_at__isnull=True).count(),
        },
    )


@require_POST
@permission_required(MANAGE)
def user_reactivate(request, pk: int):
    subject = get_object_or_404(User, pk=pk)
    try:
        user_services.user_reactivate(user=subject, actor=request.user)
    except PermissionDenied as error:
        raise refuse(request, error) from None
    messages.success(request, _("%(name)s can sign in again.") % {"name": subject})
    return redirect("staff:user_edit", pk=subject.pk)


# --- Teams ------------------------------------------------------------------------------------


@permission_required(MANAGE)
def teams(request):
    return render(request, "staff/teams.html", {"teams": selectors.teams_list()})


def _team_form_save(request, form, team: Team | None):
    data = form.cleaned_data
    if team is None:
        return user_services.team_create(
            name=data["name"], kind=data["kind"], lead=data["lead"], parent=data["parent"]
        )
    return user_services.team_update(
        team=team,
        actor=request.user,
        name=data["name"],
        kind=data["kind"],
        lead=data["lead"],
        parent=data["parent"],
    )


@permission_required(MANAGE)
def team_create(request):
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = _team_form_save(request, form, None)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Team “%(name)s” created.") % {"name": team.name})
            return redirect("staff:team_detail", pk=team.pk)
    return render(request, "staff/team_form.html", {"form": form})


@permission_required(MANAGE)
def team_edit(request, pk: int):
    team = get_object_or_404(Team, pk=pk)
    form = TeamForm(
        request.POST or None,
        initial={"name": team.name, "kind": team.kind, "lead": team.lead, "parent": team.parent},
    )
    cast("forms.ModelChoiceField[Team]", form.fields["parent"]).queryset = Team.objects.exclude(
        pk=team.pk
    ).order_by("name")
    if request.method == "POST" and form.is_valid():
        try:
            _team_form_save(request, form, team)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("staff:team_detail", pk=team.pk)
    return render(request, "staff/team_form.html", {"form": form, "team": team})


@permission_required(MANAGE)
def team_detail(request, pk: int):
    team = get_object_or_404(Team.objects.select_related("lead", "parent"), pk=pk)
    return render(
        request,
        "staff/team_detail.html",
        {
            "team": team,
            "members": selectors.team_members(team),
            "children": team.children.order_by("name"),
        },
    )


# --- Roles ------------------------------------------------------------------------------------


@permission_required(MANAGE)
def roles(request):
    return render(request, "staff/roles.html", {"roles": selectors.roles_list()})


def _role_page(request, form, role: Group | None):
    if form.is_bound:
        selected = set(form.data.getlist("permissions"))
    elif role is not None:
        selected = set(user_services.role_permission_names(role))
    else:
        selected = set()
    return render(
        request,
        "staff/role_form.html",
        {"form": form, "role": role, "grid": permission_grid(selected)},
    )


@permission_required(MANAGE)
def role_create(request):
    form = RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            role = user_services.role_create(
                name=data["name"],
                permissions=list(data["permissions"]),
                requires_mfa=data["requires_mfa"],
                description=data["description"],
                actor=request.user,
            )
        except ValidationError as error:
            show_errors(form, error)
        except PermissionDenied as error:
            raise refuse(request, error) from None
        else:
            messages.success(request, _("Role “%(name)s” created.") % {"name": role.name})
            return redirect("staff:roles")
    return _role_page(request, form, None)


@permission_required(MANAGE)
def role_edit(request, pk: int):
    role = get_object_or_404(Group, pk=pk)
    profile = RoleProfile.objects.filter(group=role).first()
    form = RoleForm(
        request.POST or None,
        role=role,
        initial={
            "name": role.name,
            "description": profile.description if profile else "",
            "requires_mfa": profile.requires_mfa if profile else False,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Permissions the grid does not show (installed by later apps) are kept as they are.
        shown = {value for value, _label in form.fields["permissions"].choices}  # type: ignore[attr-defined]  # a MultipleChoiceField
        kept = [p for p in user_services.role_permission_names(role) if p not in shown]
        try:
            user_services.role_update(
                role=role,
                actor=request.user,
                name=data["name"],
                permissions=sorted(set(data["permissions"]) | set(kept)),
                requires_mfa=data["requires_mfa"],
                description=data["description"],
            )
        except ValidationError as error:
            show_errors(form, error)
        except PermissionDenied as error:
            raise refuse(request, error) from None
        else:
            messages.success(request, _("Role “%(name)s” saved.") % {"name": role.name})
            return redirect("staff:roles")
    return _role_page(request, form, role)


# --- Personal API tokens (every signed-in user, their own tokens only) -------------------------


@login_required
def tokens(request):
    form = TokenCreateForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["expires_in_days"]
        expires_at = timezone.now() + dt.timedelta(days=days) if days else None
        try:
            token, plain = token_services.token_create(
                user=request.user, name=form.cleaned_data["name"], expires_at=expires_at
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            # The secret is rendered once, in this response, and never stored or shown again.
            created = {"token": token, "secret": plain}
            form = TokenCreateForm()
    response = render(
        request,
        "staff/tokens.html",
        {"form": form, "created": created, "tokens": selectors.tokens_of(request.user)},
    )
    if created:
        response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def token_revoke(request, pk: int):
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404
    token_services.token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("staff:tokens")


# --- Audit log --------------------------------------------------------------------------------


@require_safe
@permission_required(AUDIT, MANAGE)
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    kind = username = ""
    if form.is_valid():
        kind = form.cleaned_data["kind"]
        username = form.cleaned_data["user"]
    cursor = request.GET.get("cursor") or None
    try:
        page = selectors.audit_page(kind=kind, username=username, cursor=cursor)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("staff:audit"))
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "staff/audit.html",
        {
            "form": form,
            "page": page,
            "filter_query": query.urlencode(),
            "kinds": dict(AuditEvent.Kind.choices),
        },
    )


@login_required
@require_POST
def away(request):
    """The signed-in member says they are away, or back (the sidebar's button)."""
    user_services.user_set_away(request.user, away=request.POST.get("away") == "1")
    if request.user.is_away:
        messages.success(request, _("You are away: no new tickets or leads come to you."))
    else:
        messages.success(request, _("Welcome back: new work comes to you again."))
    return redirect("core:home")
