"""NPS pages: the surveys (send one to a group; each one's result), and the customer's
answering page at `/nps/<signed token>/`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from centric.core.visibility import has_model_permission
from centric.tickets.models import NpsSurvey
from centric.tickets.nps import (
    SCORES,
    answer_save,
    default_question,
    response_of,
    survey_create,
    survey_result,
)


@login_required
def surveys(request: HttpRequest) -> HttpResponse:
    if not has_model_permission(request.user, NpsSurvey, "view"):
        return render(request, "403.html", status=403)
    may_send = has_model_permission(request.user, NpsSurvey, "add")
    if request.method == "POST" and may_send:
        try:
            survey = survey_create(
                actor=request.user,
                name=request.POST.get("name", ""),
                question=request.POST.get("question", ""),
                tag=request.POST.get("tag", "").strip(),
                lifecycle_stage=request.POST.get("lifecycle_stage", ""),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Sending to %(n)s people; answers arrive here.")
                % {"n": survey.responses.count()},
            )
            return redirect("tickets:nps_survey", pk=survey.pk)
    from centric.customers.models import LifecycleStage

    rows = [(survey, survey_result(survey)) for survey in NpsSurvey.objects.all()[:50]]
    return render(
        request,
        "tickets/nps_surveys.html",
        {
            "title": _("NPS surveys"),
            "rows": rows,
            "may_send": may_send,
            "stages": LifecycleStage.objects.all(),
            "question": default_question(),
        },
    )


@login_required
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    if not has_model_permission(request.user, NpsSurvey, "view"):
        return render(request, "403.html", status=403)
    found = get_object_or_404(NpsSurvey, pk=pk)
    result = survey_result(found)
    top = max(result.by_score, default=0) or 1
    return render(
        request,
        "tickets/nps_survey.html",
        {
            "title": found.name,
            "survey": found,
            "result": result,
            "bars": [
                {"score": score, "count": count, "percent": int(100 * count / top)}
                for score, count in zip(SCORES, result.by_score, strict=True)
            ],
            "comments": found.responses.exclude(comment="").order_by("-answered_at")[:30],
        },
    )


@never_cache
def answer(request: HttpRequest, token: str) -> HttpResponse:
    context: dict[str, Any] = {"business": settings.CENTRIC_BUSINESS_NAME, "scores": SCORES}
    response = response_of(token)
    if response is None:
        context["error"] = _("This link is not valid or has expired.")
        return render(request, "tickets/nps_answer.html", context, status=404)
    context["response"] = response
    chosen = request.GET.get("score", "")
    context["chosen"] = int(chosen) if chosen.isdigit() and int(chosen) in SCORES else None
    if request.method == "POST":
        try:
            context["answered"] = answer_save(
                response,
                score=request.POST.get("score"),
                comment=request.POST.get("comment", ""),
            )
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
            return render(request, "tickets/nps_answer.html", context, status=400)
    return render(request, "tickets/nps_answer.html", context)
