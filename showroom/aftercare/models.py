"""After the delivery (追踪): the owner's car, the post-delivery calls on the store's cadence, the satisfaction survey
with a score per question, cases opened by low scores, and referrals (转介绍) — domain file §1.10."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from showroom.core.scoping import ScopedManager

# The post-delivery cadence (domain §1.10) as (days after the hand-over, call title, is the survey call); a store
# may change it on its settings page.
DEFAULT_CADENCE: tuple[tuple[int, str, bool], ...] = (
    (1, "交车24小时感谢回访：车辆使用是否有问题", False),
    (3, "交车3天用车回访：功能使用、充电/加油习惯", False),
    (7, "交车7天满意度回访（问卷）", True),
    (30, "交车30天回访 + 首保提醒", False),
    (90, "交车3个月关怀回访，邀请转介绍", False),
    (180, "交车6个月关怀回访", False),
    (365, "购车一周年回访", False),
)
DEFAULT_LOW_SCORE_PERCENT = 70


class Scale(models.TextChoices):
    FIVE = "five", _("1–5")
    TEN = "ten", _("1–10")
    NPS = "nps", _("0–10 (would recommend)")

    @property
    def bounds(self) -> tuple[int, int]:
        return {Scale.FIVE: (1, 5), Scale.TEN: (1, 10), Scale.NPS: (0, 10)}[self]


# Questions a new store starts with: the sales-satisfaction (SSI) topics OEM surveys ask about, and the NPS question.
DEFAULT_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("您对本次购车的整体体验满意吗？", Scale.TEN),
    ("销售顾问的专业程度与服务态度如何？", Scale.TEN),
    ("销售顾问对车辆功能的讲解是否清楚？", Scale.TEN),
    ("报价与购车手续是否透明、清楚？", Scale.TEN),
    ("交车仪式与交车时的车辆状况是否令您满意？", Scale.TEN),
    ("交车是否准时、等待时间是否合理？", Scale.FIVE),
    ("您有多大可能向亲友推荐我们的展厅？", Scale.NPS),
)


class AftercareSettings(models.Model):
    """A store's follow-up cadence after delivery and its low-score threshold."""

    store = models.OneToOneField("accounts.Store", verbose_name=_("store"), on_delete=models.CASCADE,
                                 related_name="aftercare_settings")
    cadence = models.JSONField(_("post-delivery cadence"), default=list,
                               help_text=_("The calls after delivery: days after the hand-over, title, survey call."))
    low_score_percent = models.PositiveSmallIntegerField(
        _("low score below (% of the top score)"), default=DEFAULT_LOW_SCORE_PERCENT,
        help_text=_("A survey answer below this share of its scale's top score opens a case for the manager "
                    "(70 %: below 7 of 10, below 3.5 of 5)."))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("after-delivery settings")
        verbose_name_plural = _("after-delivery settings")
        constraints = [models.CheckConstraint(condition=models.Q(low_score_percent__range=(1, 100)),
                                              name="aftercare_threshold_1_100")]

    def __str__(self) -> str:
        return str(self.store_id)


class SurveyQuestion(models.Model):
    """One question of the store's satisfaction survey."""

    store = models.ForeignKey("accounts.Store", verbose_name=_("store"), on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("question"), max_length=200)
    scale = models.CharField(_("scale"), max_length=5, choices=Scale.choices, default=Scale.TEN)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["store", "active", "position"], name="survey_question_store")]

    def __str__(self) -> str:
        return self.text


class OwnedCar(models.Model):
    """The customer is an owner (保有客户): the car delivered to them, with its paired service advisor."""

    store = models.ForeignKey("accounts.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("owner"), on_delete=models.PROTECT,
                                 related_name="owned_cars")
    lead = models.OneToOneField("leads.Lead", verbose_name=_("lead"), on_delete=models.PROTECT, related_name="owned_car")
    delivery = models.OneToOneField("deliveries.Delivery", verbose_name=_("delivery"), on_delete=models.PROTECT,
                                    related_name="owned_car")
    vehicle = models.ForeignKey("inventory.Vehicle", verbose_name=_("vehicle"), on_delete=models.PROTECT, related_name="+")
    vin = models.CharField(_("VIN"), max_length=17)
    plate = models.CharField(_("plate"), max_length=10, blank=True)
    model_name = models.CharField(_("model"), max_length=150)
    delivered_at = models.DateTimeField(_("delivered at"))
    consultant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("consultant"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    service_advisor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("service advisor"), null=True,
                                        on_delete=models.SET_NULL, related_name="+")
    first_service_due = models.DateField(_("first service due"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("owned car")
        verbose_name_plural = _("owned cars")
        indexes = [models.Index(fields=["store", "delivered_at"], name="owned_car_store_when")]

    def __str__(self) -> str:
        return f"{self.model_name} {self.plate or self.vin}"


class AftercareCall(models.Model):
    """One call of the post-delivery cadence; done through its follow-up task (the contact is logged there)."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey("leads.Lead", verbose_name=_("lead"), on_delete=models.CASCADE, related_name="aftercare_calls")
    owned_car = models.ForeignKey(OwnedCar, verbose_name=_("owned car"), on_delete=models.CASCADE, related_name="calls")
    task = models.OneToOneField("followups.Task", verbose_name=_("follow-up task"), on_delete=models.CASCADE,
                                related_name="aftercare_call")
    after_days = models.PositiveSmallIntegerField(_("days after delivery"))
    title = models.CharField(_("title"), max_length=200)
    is_survey = models.BooleanField(_("satisfaction survey"), default=False)
    due_at = models.DateTimeField(_("due"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("post-delivery call")
        verbose_name_plural = _("post-delivery calls")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["store", "due_at"], name="aftercare_call_due")]

    def __str__(self) -> str:
        return self.title


class SurveyStatus(models.TextChoices):
    DUE = "due", _("Due")
    DONE = "done", _("Answered")


class Survey(models.Model):
    """The owner's satisfaction survey after delivery, with a score per question."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey("leads.Lead", verbose_name=_("lead"), on_delete=models.CASCADE, related_name="surveys")
    owned_car = models.ForeignKey(OwnedCar, verbose_name=_("owned car"), on_delete=models.CASCADE, related_name="surveys")
    call = models.OneToOneField(AftercareCall, verbose_name=_("survey call"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="survey")
    status = models.CharField(_("status"), max_length=5, choices=SurveyStatus.choices, default=SurveyStatus.DUE)
    due_at = models.DateTimeField(_("due"))
    comments = models.TextField(_("customer's comments"), blank=True)
    low_score = models.BooleanField(_("low score"), default=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        indexes = [models.Index(fields=["store", "status", "due_at"], name="survey_store_due")]

    def __str__(self) -> str:
        return f"{self.lead_id} {self.get_status_display()}"


class SurveyAnswer(models.Model):
    """The score given to one question; the question's wording and scale are kept as they were asked."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.CharField(_("question"), max_length=200)
    scale = models.CharField(_("scale"), max_length=5, choices=Scale.choices)
    score = models.PositiveSmallIntegerField(_("score"))
    low = models.BooleanField(_("low"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(score__lte=10), name="survey_answer_score_0_10")]

    def __str__(self) -> str:
        return f"{self.text}: {self.score}"

    @property
    def top(self) -> int:
        return Scale(self.scale).bounds[1]


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Case(models.Model):
    """A low survey score the manager follows up: notes, the resolution, who closed it and when."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey("leads.Lead", verbose_name=_("lead"), on_delete=models.CASCADE, related_name="aftercare_cases")
    survey = models.OneToOneField(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="case")
    status = models.CharField(_("status"), max_length=6, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    summary = models.CharField(_("low scores"), max_length=500)
    resolution = models.TextField(_("resolution"), blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("satisfaction case")
        verbose_name_plural = _("satisfaction cases")
        constraints = [
            models.CheckConstraint(condition=models.Q(status="open") | models.Q(closed_at__isnull=False),
                                   name="aftercare_case_closed_has_time"),
        ]
        indexes = [models.Index(fields=["store", "status", "opened_at"], name="aftercare_case_store")]

    def __str__(self) -> str:
        return self.summary


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class ReferralOutcome(models.TextChoices):
    ASKED = "asked", _("Asked, will think of someone")
    DECLINED = "declined", _("Declined")
    GIVEN = "given", _("Gave a referral")


class Referral(models.Model):
    """The owner was asked for a referral (转介绍); a referral given opens a lead for the referred prospect."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey("leads.Lead", verbose_name=_("owner's lead"), on_delete=models.CASCADE,
                             related_name="referrals_asked")
    owned_car = models.ForeignKey(OwnedCar, verbose_name=_("owned car"), on_delete=models.CASCADE, related_name="referrals")
    outcome = models.CharField(_("outcome"), max_length=10, choices=ReferralOutcome.choices)
    referred_lead = models.OneToOneField("leads.Lead", verbose_name=_("referred lead"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="referral")
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(outcome="given") | models.Q(referred_lead__isnull=False),
                                   name="aftercare_referral_given_has_lead"),
        ]

    def __str__(self) -> str:
        return self.get_outcome_display()
