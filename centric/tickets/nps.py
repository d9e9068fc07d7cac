"""Net Promoter surveys: "How likely are you to recommend us?" (0–10) to a chosen group by
email, each person with a signed link; the score is the share of promoters (9–10) less the
share of detractors (0–6).

The group is the people with a tag and/or in a lifecycle stage whom the sender may see, with an
email, leaving out anyone who refused or withdrew marketing by email. As with CSAT, the link's
page has the score chosen and one click sends it (mail scanners open every link)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from centric.tickets.models import NpsResponse, NpsSurvey

logger = logging.getLogger(__name__)
SALT = "centric.tickets.nps"
VALID_DAYS = 90
SCORES = tuple(range(11))
MAX_AUDIENCE = 50_000


def default_question() -> str:
    return _("How likely are you to recommend %(business)s to a friend or colleague?") % {
        "business": settings.CENTRIC_BUSINESS_NAME
    }


def audience(user: Any, *, tag: str = "", lifecycle_stage: str = "") -> Any:
    """The people a survey goes to (see the module's docstring)."""
    from centric.customers.choices import ConsentPurpose, ConsentStatus
    from centric.customers.models import Person

    people = Person.objects.visible_to(user).exclude(primary_email="")
    if tag:
        people = people.filter(tags__name__iexact=tag)
    if lifecycle_stage:
        people = people.filter(lifecycle_stage__key=lifecycle_stage)
    refused = Q(
        consents__purpose=ConsentPurpose.MARKETING_EMAIL,
        consents__status__in=[ConsentStatus.DENIED, ConsentStatus.WITHDRAWN],
    )
    return people.exclude(refused).distinct()


@transaction.atomic
def survey_create(
    *, actor: Any, name: str, question: str = "", tag: str = "", lifecycle_stage: str = ""
) -> NpsSurvey:
    """A survey and its invitations; the emails leave from the worker after the commit."""
    from centric.customers.models import LifecycleStage

    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the survey a name.")})
    if not tag and not lifecycle_stage:
        raise ValidationError(
            {"tag": _("Choose who it goes to: a tag, a lifecycle stage or both.")}
        )
    if lifecycle_stage and not LifecycleStage.objects.filter(key=lifecycle_stage).exists():
        raise ValidationError({"lifecycle_stage": _("Choose a lifecycle stage.")})
    people = list(
        audience(actor, tag=tag, lifecycle_stage=lifecycle_stage).values_list(
            "pk", "primary_email"
        )[: MAX_AUDIENCE + 1]
    )
    if not people:
        raise ValidationError({"tag": _("Nobody you may see is in this group (with an email).")})
    if len(people) > MAX_AUDIENCE:
        raise ValidationError({"tag": _("At most 50,000 people at a time; narrow the group.")})
    survey = NpsSurvey.objects.create(
        name=name[:100],
        question=(question or "").strip()[:300] or default_question(),
        tag=tag.strip(),
        lifecycle_stage=lifecycle_stage,
        created_by=actor,
    )
    NpsResponse.objects.bulk_create(
        NpsResponse(survey=survey, person_id=pk, email=email) for pk, email in people
    )
    transaction.on_commit(lambda: send_nps.enqueue(survey.pk))
    return survey


def response_url(response: NpsResponse, score: int) -> str:
    token = signing.dumps({"r": response.pk}, salt=SALT, compress=True)
    return f"{settings.CENTRIC_BASE_URL}{reverse('nps:answer', args=[token])}?score={score}"


def response_of(token: str) -> NpsResponse | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=VALID_DAYS * 86400)
    except signing.BadSignature:
        return None
    return NpsResponse.objects.select_related("survey").filter(pk=data.get("r")).first()


def answer_save(response: NpsResponse, *, score: Any, comment: str = "") -> NpsResponse:
    try:
        value = int(score)
    except (TypeError, ValueError):
        value = -1
    if value not in SCORES:
        raise ValidationError({"score": _("Choose from 0 to 10.")})
    response.score, response.comment = value, (comment or "").strip()[:2000]
    response.answered_at = timezone.now()
    response.save(update_fields=["score", "comment", "answered_at"])
    return response


@task()
def send_nps(survey_id: int) -> int:
    return nps_send(survey_id)


def nps_send(survey_id: int) -> int:
    """Email every invitation not sent yet (a retried task sends the rest, never twice)."""
    survey = NpsSurvey.objects.filter(pk=survey_id).first()
    if survey is None:
        return 0
    sent = 0
    for response in survey.responses.filter(sent_at__isnull=True).select_related("person"):
        context = {
            "survey": survey,
            "first_name": response.person.first_name,
            "business": settings.CENTRIC_BUSINESS_NAME,
            "links": [(score, response_url(response, score)) for score in SCORES],
        }
        email = EmailMultiAlternatives(
            subject=survey.question[:150],
            body=render_to_string("tickets/email/nps.txt", context),
            to=[response.email],
            headers={"Auto-Submitted": "auto-generated", "X-Centric-Survey": str(survey.pk)},
        )
        email.attach_alternative(render_to_string("tickets/email/nps.html", context), "text/html")
        try:
            email.send()
        except OSError as error:
            logger.warning("NPS survey %s to %s failed: %s", survey.pk, response.email, error)
            continue
        NpsResponse.objects.filter(pk=response.pk).update(sent_at=timezone.now())
        sent += 1
    NpsSurvey.objects.filter(pk=survey.pk, sent_at__isnull=True).update(sent_at=timezone.now())
    return sent


@dataclass
class NpsResult:
    invited: int
    answered: int
    promoters: int
    passives: int
    detractors: int
    by_score: list[int]
    by_month: list[tuple[Any, int, int | None]]  # (month, answers, NPS)

    @property
    def score(self) -> int | None:
        if not self.answered:
            return None
        return round(100 * (self.promoters - self.detractors) / self.answered)


def _nps(promoters: int, detractors: int, answered: int) -> int | None:
    return round(100 * (promoters - detractors) / answered) if answered else None


def survey_result(survey: NpsSurvey) -> NpsResult:
    responses = survey.responses.all()
    answered = responses.filter(score__isnull=False)
    counts = dict(answered.values_list("score").annotate(n=Count("id")).order_by())
    months = (
        answered.annotate(month=TruncMonth("answered_at"))
        .values("month")
        .annotate(
            n=Count("id"),
            good=Count("id", filter=Q(score__gte=9)),
            bad=Count("id", filter=Q(score__lte=6)),
        )
        .order_by("month")
    )
    return NpsResult(
        invited=responses.count(),
        answered=sum(counts.values()),
        promoters=sum(n for s, n in counts.items() if s >= 9),
        passives=sum(n for s, n in counts.items() if 7 <= s <= 8),
        detractors=sum(n for s, n in counts.items() if s <= 6),
        by_score=[counts.get(score, 0) for score in SCORES],
        by_month=[(m["month"], m["n"], _nps(m["good"], m["bad"], m["n"])) for m in months],
    )
