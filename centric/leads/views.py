"""Leads' own pages: converting one, recording what it did, and the business's scoring and
assignment rules (the list, detail and forms are the record kit's)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centric.core.errors import ConcurrentEditError
from centric.core.visibility import has_model_permission
from centric.customers.models import Person
from centric.leads.choices import KNOWN_BEHAVIOURS, SCORABLE_ATTRIBUTES, LeadSource, RuleKind
from centric.leads.conversion import lead_convert, matching_people
from centric.leads.models import AssignmentRule, Lead, ScoringRule
from centric.leads.services import lead_event_record, scoring_rule_save
from centric.sales.models import Pipeline


def _changeable_lead(request: HttpRequest, pk: int) -> Lead:
    lead = Lead.objects.visible_to(request.user, "change").filter(pk=pk).first()
    if lead is None or not has_model_permission(request.user, Lead, "change"):
        raise Http404
    return lead


def _amount(text: str) -> Decimal | None:
    text = (text or "").replace(",", "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError({"amount": _("Give the amount as a number, e.g. 250000.")}) from None
    if value < 0 or not value.is_finite():
        raise ValidationError({"amount": _("Give the amount as a number, e.g. 250000.")})
    return value.quantize(Decimal("0.01"))


@login_required
def lead_convert_page(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _changeable_lead(request, pk)
    if lead.converted_at is not None:
        return redirect("leads:lead_detail", pk=lead.pk)
    matches = matching_people(request.user, lead)
    pipelines = list(Pipeline.objects.filter(is_active=True))
    if request.method == "POST":
        chosen = request.POST.get("person", "auto")
        person = None
        if chosen not in ("auto", "new"):
            person = (
                Person.objects.visible_to(request.user)
                .filter(pk=chosen if chosen.isdigit() else 0)
                .first()
            )
            if person is None:
                raise Http404
        pipeline = next((p for p in pipelines if str(p.pk) == request.POST.get("pipeline")), None)
        version = request.POST.get("version", "")
        try:
            result = lead_convert(
                lead,
                actor=request.user,
                person=person,
                force_new=chosen == "new",
                create_deal=request.POST.get("create_deal") == "on",
                pipeline=pipeline,
                deal_title=request.POST.get("deal_title", ""),
                amount=_amount(request.POST.get("amount", "")),
                expected_version=int(version) if version.isdigit() else None,
            )
        except (ValidationError, ConcurrentEditError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            if result.person_is_new:
                messages.success(
                    request, _("%(name)s is now a customer.") % {"name": result.person}
                )
            else:
                messages.success(
                    request,
                    _("Linked to %(name)s, who was on file already: no duplicate made.")
                    % {"name": result.person},
                )
            if result.deal is not None:
                return redirect("sales:deal_detail", pk=result.deal.pk)
            return redirect("customers:person_detail", pk=result.person.pk)
    context: dict[str, Any] = {
        "lead": lead,
        "matches": matches,
        "pipelines": pipelines,
        "title": _("Convert %(name)s") % {"name": lead},
    }
    return render(request, "leads/convert.html", context)


@login_required
@require_POST
def lead_event(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _changeable_lead(request, pk)
    try:
        lead_event_record(
            lead=lead, key=request.POST.get("key", ""), detail=request.POST.get("detail", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        lead.refresh_from_db()
        messages.success(
            request, _("Recorded. The score is now %(score)s.") % {"score": lead.score}
        )
    return redirect("leads:lead_detail", pk=lead.pk)


def _may_configure(request: HttpRequest) -> bool:
    return has_model_permission(request.user, ScoringRule, "change")


@login_required
def scoring_rules(request: HttpRequest) -> HttpResponse:
    if not _may_configure(request):
        return render(request, "403.html", status=403)
    if request.method == "POST":
        if request.POST.get("delete"):
            ScoringRule.objects.filter(pk=request.POST["delete"]).update(is_active=False)
            messages.success(request, _("Rule switched off; leads are scored again."))
            from centric.leads.tasks import rescore_leads

            rescore_leads.enqueue()
            return redirect("leads:scoring_rules")
        half_life = request.POST.get("half_life_days", "").strip()
        points = request.POST.get("points", "").strip()
        rule = ScoringRule(
            name=request.POST.get("name", "").strip(),
            kind=request.POST.get("kind", RuleKind.ATTRIBUTE),
            attribute=request.POST.get("attribute", ""),
            value=request.POST.get("value", "").strip(),
            behaviour=request.POST.get("behaviour", "").strip(),
            points=int(points) if points.lstrip("-").isdigit() else 0,
            half_life_days=int(half_life) if half_life.isdigit() else None,
            position=ScoringRule.objects.count(),
        )
        try:
            if not points.lstrip("-").isdigit():
                raise ValidationError(
                    {"points": _("Give the points as a whole number, e.g. 10 or -5.")}
                )
            scoring_rule_save(rule)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Rule added; the worker scores every lead again."))
            return redirect("leads:scoring_rules")
    return render(
        request,
        "leads/scoring_rules.html",
        {
            "rules": ScoringRule.objects.filter(is_active=True),
            "attributes": SCORABLE_ATTRIBUTES.items(),
            "behaviours": KNOWN_BEHAVIOURS.items(),
            "kinds": RuleKind.choices,
        },
    )


@login_required
def assignment_rules(request: HttpRequest) -> HttpResponse:
    from django.apps import apps
    from django.conf import settings

    if not has_model_permission(request.user, AssignmentRule, "change"):
        return render(request, "403.html", status=403)
    Team: Any = apps.get_model(settings.CENTRIC_TEAM_MODEL)
    if request.method == "POST":
        if request.POST.get("delete"):
            AssignmentRule.objects.filter(pk=request.POST["delete"]).update(is_active=False)
            messages.success(request, _("Rule switched off."))
            return redirect("leads:assignment_rules")
        team = Team.objects.filter(pk=request.POST.get("team") or 0).first()
        rule = AssignmentRule(
            name=request.POST.get("name", "").strip(),
            source=request.POST.get("source", ""),
            territory=request.POST.get("territory", "").strip(),
            team=team,
            position=AssignmentRule.objects.count(),
        )
        try:
            if team is None:
                raise ValidationError({"team": _("Choose the team whose members get the leads.")})
            rule.full_clean()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            rule.save()
            messages.success(request, _("Rule added: new leads that match go round its team."))
            return redirect("leads:assignment_rules")
    return render(
        request,
        "leads/assignment_rules.html",
        {
            "rules": AssignmentRule.objects.filter(is_active=True).select_related(
                "team", "last_assignee"
            ),
            "teams": Team.objects.order_by("name"),
            "sources": LeadSource.choices,
        },
    )
