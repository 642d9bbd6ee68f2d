"""Needs analysis (弄清需求): the customer's answers, kept as versions on the lead (domain file §1.3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from showroom.catalog.models import BodyType, Powertrain
from showroom.core.scoping import ScopedManager


class Purpose(models.TextChoices):
    FIRST_CAR = "first_car", _("First car")
    REPLACEMENT = "replacement", _("Replacement")
    ADDITIONAL = "additional", _("Additional car")


class Usage(models.TextChoices):
    COMMUTE = "commute", _("Commuting")
    FAMILY = "family", _("Family")
    BUSINESS = "business", _("Business")
    LEISURE = "leisure", _("Weekend trips")
    LONG_DISTANCE = "long_distance", _("Long distance")


class Payment(models.TextChoices):
    FULL = "full", _("Full payment")
    LOAN = "loan", _("Loan")
    LEASE = "lease", _("Lease")


class TradeIn(models.TextChoices):
    YES = "yes", _("Wants to trade in")
    NO = "no", _("Keeps the car")
    UNDECIDED = "undecided", _("Undecided")


class NeedsAnalysis(models.Model):
    """One saved version of the questionnaire: every answer optional, the set recorded with who and when.

    A revision is a new row with the next number; earlier versions stay as they were."""

    lead = models.ForeignKey("leads.Lead", verbose_name=_("lead"), on_delete=models.CASCADE, related_name="needs_analyses")
    number = models.PositiveIntegerField(_("version"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    # Purpose and people
    purpose = models.CharField(_("purpose of purchase"), max_length=20, choices=Purpose.choices, blank=True)
    drivers = models.CharField(_("who will drive"), max_length=100, blank=True)
    decision_maker = models.CharField(_("who decides"), max_length=100, blank=True)
    household_size = models.PositiveSmallIntegerField(_("household size"), null=True, blank=True)
    # Use
    usage = models.JSONField(_("typical use"), default=list, blank=True)
    daily_km = models.PositiveIntegerField(_("daily distance (km)"), null=True, blank=True)
    # Money
    budget_min = models.DecimalField(_("budget from"), max_digits=12, decimal_places=2, null=True, blank=True)
    budget_max = models.DecimalField(_("budget up to"), max_digits=12, decimal_places=2, null=True, blank=True)
    payment = models.CharField(_("payment"), max_length=10, choices=Payment.choices, blank=True)
    # Current car
    current_brand = models.CharField(_("current car: brand"), max_length=50, blank=True)
    current_model = models.CharField(_("current car: model"), max_length=50, blank=True)
    current_year = models.PositiveSmallIntegerField(_("current car: year"), null=True, blank=True)
    current_mileage_km = models.PositiveIntegerField(_("current car: mileage (km)"), null=True, blank=True)
    trade_in = models.CharField(_("trade-in"), max_length=10, choices=TradeIn.choices, blank=True)
    # Market
    considered_models = models.CharField(_("models considered"), max_length=200, blank=True)
    competitors = models.CharField(_("competitors considered"), max_length=200, blank=True)
    # Preferences
    powertrain = models.CharField(_("powertrain"), max_length=10, choices=Powertrain.choices, blank=True)
    body_type = models.CharField(_("body type"), max_length=20, choices=BodyType.choices, blank=True)
    seats_min = models.PositiveSmallIntegerField(_("seats (at least)"), null=True, blank=True)
    colour = models.CharField(_("colour"), max_length=50, blank=True)
    home_charging = models.BooleanField(_("can charge at home"), null=True, blank=True)
    home_parking = models.BooleanField(_("has own parking space"), null=True, blank=True)
    must_have = models.TextField(_("must-have equipment"), blank=True)
    # Timing and concerns
    expected_purchase_date = models.DateField(_("expected purchase"), null=True, blank=True)
    concerns = models.TextField(_("main concerns"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    # The models of interest the consultant confirmed from the suggestions, on the version they were based on.
    confirmed_trims = models.ManyToManyField("catalog.Trim", verbose_name=_("confirmed models"), blank=True,
                                             related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    confirmed_at = models.DateTimeField(_("models confirmed at"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("needs analysis")
        verbose_name_plural = _("needs analyses")
        ordering = ["lead", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["lead", "number"], name="needs_analysis_version_unique"),
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True) | Q(budget_max__isnull=True) | Q(budget_min__lte=models.F("budget_max")),
                name="needs_budget_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead_id} v{self.number}"


# The answers, in the order the questionnaire and the history show them.
ANSWER_FIELDS = (
    "purpose", "drivers", "decision_maker", "household_size", "usage", "daily_km",
    "budget_min", "budget_max", "payment",
    "current_brand", "current_model", "current_year", "current_mileage_km", "trade_in",
    "considered_models", "competitors",
    "powertrain", "body_type", "seats_min", "colour", "home_charging", "home_parking", "must_have",
    "expected_purchase_date", "concerns", "notes",
)
