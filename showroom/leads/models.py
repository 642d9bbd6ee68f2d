"""The process spine: a lead moves through the seven steps, graded, owned by a consultant."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from showroom.core.choices import Channel, Source
from showroom.core.models import VersionedModel
from showroom.core.scoping import ScopedManager


class Stage(models.IntegerChoices):
    FIRST_CONTACT = 10, _("First contact")
    NEEDS_ANALYSIS = 20, _("Needs analysis")
    PRESENTATION = 30, _("Vehicle presentation")
    TEST_DRIVE = 40, _("Test drive")
    NEGOTIATION = 50, _("Quote and negotiation")
    ORDER = 60, _("Order")
    DELIVERED = 70, _("Delivered")
    FOLLOW_UP = 80, _("After-sales follow-up")

    @classmethod
    def between(cls, start: int, end: int) -> list[Stage]:
        """The steps strictly between two stages: those a move from `start` to `end` skips."""
        return [cls(value) for value in cls.values if start < value < end]


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    DORMANT = "dormant", _("Dormant")


class Grade(models.TextChoices):
    """Intent grades (意向级别), domain file §2.1."""

    N = "N", _("N – new, not yet graded")
    H = "H", _("H – hot, buys within days")
    A = "A", _("A – strong intent")
    B = "B", _("B – clear intent, comparing")
    C = "C", _("C – interest, no timing")
    O = "O", _("O – ordered, awaiting delivery")  # noqa: E741
    D = "D", _("D – delivered")
    F = "F", _("F – lost")


# Grades a consultant sets by hand; O, D and F follow from the order, the delivery and an approved loss.
MANUAL_GRADES = (Grade.H, Grade.A, Grade.B, Grade.C)


class LossReason(models.TextChoices):
    COMPETITOR = "competitor", _("Bought a competitor's car")
    OTHER_DEALER = "other_dealer", _("Bought the same brand at another dealer")
    PRICE = "price", _("Price or discount")
    BUDGET_OR_LOAN = "budget_or_loan", _("Budget, or the loan was refused")
    POSTPONED = "postponed", _("Plans postponed or cancelled")
    NO_PLATE = "no_plate", _("No licence-plate quota")
    FAMILY = "family", _("Family decision")
    PRODUCT = "product", _("Product or configuration does not fit")
    DELIVERY_TIME = "delivery_time", _("Delivery time")
    SERVICE = "service", _("Service experience")
    UNREACHABLE = "unreachable", _("Unreachable or invalid number")
    DUPLICATE = "duplicate", _("Duplicate lead")


class Lead(VersionedModel):
    """An opportunity: one customer's intent to buy, worked by one consultant."""

    store = models.ForeignKey("accounts.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="leads")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="leads")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("consultant"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="leads",
    )
    channel = models.CharField(_("first-contact channel"), max_length=20, choices=Channel.choices)
    source = models.CharField(_("source"), max_length=30, choices=Source.choices)
    models_of_interest = models.CharField(_("models of interest"), max_length=200, blank=True)
    budget_min = models.DecimalField(_("budget from"), max_digits=12, decimal_places=2, null=True, blank=True)
    budget_max = models.DecimalField(_("budget up to"), max_digits=12, decimal_places=2, null=True, blank=True)
    expected_purchase_date = models.DateField(_("expected purchase"), null=True, blank=True)
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices, default=Stage.FIRST_CONTACT)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, default=Grade.N)
    next_follow_up_at = models.DateTimeField(_("next follow-up"), null=True, blank=True)
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    first_contacted_at = models.DateTimeField(_("first contacted"), null=True, blank=True)
    last_contacted_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    loss_pending = models.BooleanField(_("loss awaiting approval"), default=False)
    referrer = models.ForeignKey(
        "customers.Customer", verbose_name=_("referred by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="referred_leads",
    )
    external_ref = models.CharField(_("platform reference"), max_length=64, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        constraints = [
            models.UniqueConstraint(
                fields=["store", "source", "external_ref"], condition=~models.Q(external_ref=""),
                name="lead_external_ref_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(budget_min__isnull=True) | models.Q(budget_max__isnull=True)
                | models.Q(budget_min__lte=models.F("budget_max")),
                name="lead_budget_range",
            ),
        ]
        indexes = [
            # A consultant's (or the pool's) leads by status and stage or grade: the lead list, the pipeline
            # counts on the workbench. The owner leads, so both branches of "mine or the pool" use it; the
            # store (which the visibility rule checks) is inside, so the counts never read the table.
            models.Index(fields=["owner", "status", "stage", "store", "created_at"], name="lead_owner_status_stage"),
            models.Index(fields=["owner", "status", "grade", "store"], name="lead_owner_grade_store"),
            models.Index(fields=["store", "status", "stage"], name="lead_store_status_stage"),
            models.Index(fields=["store", "created_at"], name="lead_store_created"),
            models.Index(fields=["status", "last_contacted_at"], name="lead_status_contact"),
            models.Index(fields=["store", "first_response_due_at"], name="lead_first_response"),
            # New leads nobody has answered yet (the workbench's and the manager's "first response overdue").
            models.Index(fields=["owner", "first_response_due_at"], name="lead_awaiting_response",
                         condition=models.Q(first_contacted_at__isnull=True, status="open")),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.get_stage_display()}"

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    def overdue_at(self, now) -> bool:
        """An open lead whose follow-up is late, or whose first-response deadline passed without a contact (the
        same rule as the lead list's "overdue only" filter)."""
        if self.status != Status.OPEN:
            return False
        if self.next_follow_up_at is not None and self.next_follow_up_at < now:
            return True
        return self.first_contacted_at is None and self.first_response_due_at is not None and self.first_response_due_at < now


class StageTransition(models.Model):
    """Each move of a lead's stage or status, for its timeline and the funnel."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.PositiveSmallIntegerField(choices=Stage.choices)
    to_stage = models.PositiveSmallIntegerField(choices=Stage.choices)
    from_status = models.CharField(max_length=10, choices=Status.choices)
    to_status = models.CharField(max_length=10, choices=Status.choices)
    skipped = models.JSONField(default=list, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        indexes = [models.Index(fields=["lead", "created_at"], name="transition_lead")]

    def __str__(self) -> str:
        return f"{self.from_stage}->{self.to_stage}"

    @property
    def skipped_labels(self) -> list[str]:
        return [str(Stage(v).label) for v in self.skipped]


class LossRequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class LossRequest(models.Model):
    """A consultant's application to close a lead as lost (战败申请), decided by a manager."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="loss_requests")
    reason = models.CharField(_("reason"), max_length=20, choices=LossReason.choices)
    competitor_brand = models.CharField(_("competitor brand"), max_length=50, blank=True)
    competitor_model = models.CharField(_("competitor model"), max_length=50, blank=True)
    competitor_price = models.DecimalField(_("competitor price"), max_digits=12, decimal_places=2, null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=LossRequestStatus.choices, default=LossRequestStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.CharField(_("comment"), max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("loss request")
        verbose_name_plural = _("loss requests")
        constraints = [
            models.UniqueConstraint(
                fields=["lead"], condition=models.Q(status="pending"), name="one_pending_loss_request_per_lead"
            )
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="lossrequest_status")]

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.reason}"


class GradePolicy(models.Model):
    """Per store and grade: how soon the customer buys, and how often the consultant follows up."""

    store = models.ForeignKey("accounts.Store", on_delete=models.CASCADE, related_name="grade_policies")
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    horizon_days = models.PositiveSmallIntegerField(_("purchase within (days)"), null=True, blank=True)
    follow_up_days = models.PositiveSmallIntegerField(_("follow up every (days)"))

    class Meta:
        verbose_name = _("grade policy")
        verbose_name_plural = _("grade policies")
        constraints = [models.UniqueConstraint(fields=["store", "grade"], name="grade_policy_unique")]
        ordering = ["store", "grade"]

    def __str__(self) -> str:
        return f"{self.grade}: {self.follow_up_days}d"


# Defaults from the domain file §2.1 (configurable per store). N: first contact within a day.
DEFAULT_GRADE_POLICIES: dict[str, tuple[int | None, int]] = {
    Grade.N: (None, 1),
    Grade.H: (7, 2),
    Grade.A: (15, 3),
    Grade.B: (30, 7),
    Grade.C: (90, 15),
    Grade.O: (None, 3),
}
