"""Demo data of the aftercare app (see settings.DEMO_EXTENSIONS): the owners the deliveries demo handed cars to get
their first calls done, surveys answered a week after delivery (one with low scores and an open case for the manager,
one case already closed), and referrals asked for — one given, opening a new referral lead
for a friend already in the customer file."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from showroom.accounts.models import User
from showroom.core import clock
from showroom.core.errors import DomainError
from showroom.followups import services as followups
from showroom.followups.models import ContactChannel, Outcome, TaskStatus
from showroom.leads.models import Lead, Status

from . import services
from .models import OwnedCar, ReferralOutcome, Scale, SurveyQuestion, SurveyStatus

CALL_NOTES = ("车主反馈用车顺利，已提醒首保时间", "车主询问手机App绑定，已远程指导完成", "车主对交车服务很满意")
GOOD_COMMENTS = ("交车仪式很用心，顾问讲解很细致", "整体满意，手续办得很快")
LOW_COMMENTS = "交车当天等了一个多小时，临牌也没提前办好"
REFERRALS_GIVEN = 2


def _attempt(step):
    try:
        with transaction.atomic():
            return step()
    except DomainError:
        return None


def _old_prospect(owned: OwnedCar) -> dict | None:
    """A friend the owner refers who is already in the customer file from an earlier, closed enquiry of the same
    consultant (lost or dormant): the referral opens a new lead for them (the demo's file of people stays as filed)."""
    lead = (Lead.objects.filter(store_id=owned.store_id, owner_id=owned.lead.owner_id, status__in=(Status.LOST, Status.DORMANT),
                                customer__mobile__isnull=False, referrer__isnull=True)
            .exclude(customer_id=owned.customer_id).exclude(customer__leads__status=Status.OPEN)
            .select_related("customer").order_by("pk").first())
    return {"name": lead.customer.name, "mobile": lead.customer.mobile} if lead else None


def _scores(questions, rng, *, low: bool) -> dict[int, int]:
    scores = {}
    for question in questions:
        top = Scale(question.scale).bounds[1]
        if low and question.position in (1, 5, 6):
            scores[question.pk] = max(1, top // 2 - 1)
        else:
            scores[question.pk] = top - rng.choice((0, 0, 1))
    return scores


def seed(*, store, rng) -> list[str]:
    owners = list(OwnedCar.objects.filter(store=store).select_related("lead__owner", "customer").order_by("delivered_at"))
    if not owners:
        return []
    now = clock.now()
    manager = User.objects.filter(username="manager").first()
    questions = list(SurveyQuestion.objects.filter(store=store, active=True).order_by("position"))
    calls = surveys = cases = referrals = 0
    for owned in owners:
        actor = owned.lead.owner
        age = now - owned.delivered_at
        # The calls already due are done, but the most recent owner's: that one waits on the workbench.
        for call in owned.calls.select_related("task").filter(due_at__lt=now - dt.timedelta(hours=12),
                                                             task__status=TaskStatus.OPEN, is_survey=False):
            if _attempt(lambda call=call, actor=actor: followups.task_complete(
                    actor=actor, task=call.task, channel=ContactChannel.PHONE, outcome=Outcome.REACHED,
                    result=rng.choice(CALL_NOTES))):
                calls += 1
        survey = owned.surveys.filter(status=SurveyStatus.DUE).first()
        if survey is not None and age >= dt.timedelta(days=7) and questions:
            low = surveys in (0, 1)  # the two oldest owners were unhappy with the hand-over
            done = _attempt(lambda survey=survey, actor=actor, low=low: services.survey_submit(
                actor=actor, survey=survey, scores=_scores(questions, rng, low=low),
                comments=LOW_COMMENTS if low else rng.choice(GOOD_COMMENTS),
                now=survey.due_at + dt.timedelta(hours=2)))
            if done is not None:
                surveys += 1
                if done.low_score:
                    cases += 1
                    case = done.case
                    if manager is not None:
                        _attempt(lambda case=case: services.case_add_note(
                            actor=manager, case=case, text="已致电车主致歉，约定下周到店免费做一次深度清洁"))
                        if cases == 1:
                            _attempt(lambda case=case: services.case_close(
                                actor=manager, case=case, resolution="车主接受道歉与补偿，表示满意"))
        if age >= dt.timedelta(days=3) and referrals < REFERRALS_GIVEN + 1:
            prospect = _old_prospect(owned) if referrals < REFERRALS_GIVEN else None
            outcome = ReferralOutcome.GIVEN if prospect else ReferralOutcome.ASKED
            if _attempt(lambda owned=owned, actor=actor, outcome=outcome, prospect=prospect: services.referral_record(
                    actor=actor, owned_car=owned, outcome=outcome, prospect=prospect,
                    notes="车主的同事，近期准备换车" if prospect else "车主说会帮忙留意身边朋友")):
                referrals += 1
    return [f"After-delivery care: {len(owners)} owners, {calls} calls done, {surveys} surveys answered "
            f"({cases} with low scores and a case), {referrals} referrals asked"]
