"""Settings pages for lifecycle stages (under /settings/stages/): forms and thin views."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from centric.customers.models import LifecycleStage
from centric.customers.services import stages as stage_services
from centric.staff.access import permission_required, show_errors

STAGES = ("customers.change_lifecyclestage", "staff.manage_staff")
# Deleting needs the delete permission itself (decision 0031), not the change one.
DELETE_STAGE = "customers.delete_lifecyclestage"


class LifecycleStageForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("Name"), max_length=60)
    counts_as_customer = forms.BooleanField(
        label=gettext_lazy("Counts as a customer"), required=False
    )


class LifecycleStageCreateForm(LifecycleStageForm):
    key = forms.SlugField(
        label=gettext_lazy("Key"),
        max_length=40,
        required=False,
        help_text=gettext_lazy(
            "Left empty, it is made from the name. It never changes afterwards."
        ),
    )


@permission_required(*STAGES)
def stages(request):
    form = LifecycleStageCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            stage = stage_services.lifecycle_stage_create(
                key=form.cleaned_data["key"],
                label=form.cleaned_data["label"],
                counts_as_customer=form.cleaned_data["counts_as_customer"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Stage “%(name)s” added.") % {"name": stage.label})
            return redirect("customer_settings:stages")
    return render(
        request,
        "customers/settings/stages.html",
        {"form": form, "stages": stage_services.lifecycle_stages_with_counts()},
    )


@permission_required(*STAGES)
def stage_edit(request, pk: int):
    stage = get_object_or_404(LifecycleStage, pk=pk)
    form = LifecycleStageForm(
        request.POST or None,
        initial={"label": stage.label, "counts_as_customer": stage.counts_as_customer},
    )
    if request.method == "POST" and form.is_valid():
        try:
            stage_services.lifecycle_stage_update(stage=stage, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("customer_settings:stages")
    return render(request, "customers/settings/stage_form.html", {"form": form, "stage": stage})


@require_POST
@permission_required(*STAGES)
def stage_move(request, pk: int):
    stage = get_object_or_404(LifecycleStage, pk=pk)
    try:
        stage_services.lifecycle_stage_move(
            stage=stage, direction=request.POST.get("direction", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("customer_settings:stages")


@permission_required(DELETE_STAGE)
def stage_delete(request, pk: int):
    stage = get_object_or_404(LifecycleStage, pk=pk)
    if request.method == "POST":
        try:
            stage_services.lifecycle_stage_delete(stage=stage)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Stage “%(name)s” deleted.") % {"name": stage.label})
        return redirect("customer_settings:stages")
    return render(
        request,
        "extras/confirm_delete.html",
        {
            "object": stage,
            "explanation": _("Only a stage nobody is in can be deleted."),
            "cancel_url": "customer_settings:stages",
        },
    )
