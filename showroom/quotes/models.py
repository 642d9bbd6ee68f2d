"""Quote and negotiation (报价/协商): versioned quotes of a lead, their approval, the rounds of negotiation, and
the store's pricing settings (validity, discount limits, floor prices, unified-price trims, insurance rates,
finance promotions).

A quote keeps its inputs (trim, colours, amount lines, discount, insurance, trade-in, loan, deposit) as columns
and lines, and the calculation's result (showroom.quotes.calc) as a JSON snapshot beside the headline figures,
so a printed quote never changes when the catalog or the rates do.

Lifecycle (QuoteStatus):
    draft ──issue──▶ issued ──accept (order signed)──▶ accepted
      │                 └──decline──▶ declined
      └─request approval─▶ pending_approval ──approve──▶ approved ──issue──▶ issued
                                       └──reject──▶ rejected (final: make a new version)
    accepted ──the order is cancelled──▶ cancelled (final: the lead is quoted again with a new version)
    Issuing a version supersedes the lead's other issued, approved or pending versions; accepting one supersedes
    every other open version. "Expired" is not stored: an issued or approved quote whose valid_until has passed is shown as
    expired and cannot be accepted (a new version renews it).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from showroom.core.models import TimeStampedModel
from showroom.core.money import to_fen
from showroom.core.scoping import ScopedManager

from . import rates
from .calc import DepositKind as CalcDepositKind
from .rates import BEIJING_VESSEL_TAX, VESSEL_TAX_BRACKETS, VesselTaxTable
from .rates import SubsidyScheme as CalcSubsidyScheme

MONEY = {"max_digits": 12, "decimal_places": 2}
RATE = {"max_digits": 8, "decimal_places": 6}  # a fraction: 0.039900 = 3.99 %


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_APPROVAL = "pending_approval", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Approval rejected")
    ISSUED = "issued", _("Issued to the customer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined by the customer")
    SUPERSEDED = "superseded", _("Superseded")
    CANCELLED = "cancelled", _("Order cancelled")


# Versions still in play: they can be issued, accepted or superseded.
OPEN_STATUSES = (QuoteStatus.DRAFT, QuoteStatus.PENDING_APPROVAL, QuoteStatus.APPROVED, QuoteStatus.ISSUED)
# Versions whose figures are fixed (edits go into a new version).
EDITABLE_STATUSES = (QuoteStatus.DRAFT,)
# Versions that carry a valid_until shown to the customer and that expire.
EXPIRING_STATUSES = (QuoteStatus.APPROVED, QuoteStatus.ISSUED)


class PaymentMethod(models.TextChoices):
    FULL = "full", _("Full payment")
    LOAN = "loan", _("Loan")


class DepositKind(models.TextChoices):
    EARNEST = CalcDepositKind.EARNEST.value, _("Earnest money (定金, at most 20 %)")
    ADVANCE = CalcDepositKind.ADVANCE.value, _("Advance payment (订金, refundable)")


class SubsidyScheme(models.TextChoices):
    NONE = CalcSubsidyScheme.NONE.value, _("None")
    SCRAP = CalcSubsidyScheme.SCRAP.value, _("Scrap an old car (报废更新)")
    REPLACE = CalcSubsidyScheme.REPLACE.value, _("Replace an own car (置换更新)")


class CommercialInsurance(models.TextChoices):
    NONE = "none", _("Not through the store")
    ENTERED = "entered", _("Insurer's quote (entered)")
    RATE_TABLE = "rate_table", _("Estimated from the store's rate table")


class LineKind(models.TextChoices):
    OPTION = "option", _("Option package")
    ACCESSORY = "accessory", _("Accessory")
    STORE_FEE = "store_fee", _("Store fee")
    FINANCE_FEE = "finance_fee", _("Lender's fee")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Objection(models.TextChoices):
    PRICE = "price", _("Price")
    COMPETITOR = "competitor", _("A competitor's offer")
    TRADE_IN = "trade_in", _("Trade-in value")
    FINANCING = "financing", _("Financing")
    DELIVERY_TIME = "delivery_time", _("Delivery time")
    ACCESSORIES = "accessories", _("Accessories and packages")
    OTHER = "other", _("Other")


# ------------------------------------------------------------------------------------------- store settings


def vessel_tax_field(key: str) -> str:
    """The QuoteSettings column of a statutory 车船税 bracket (rates.VesselTaxBracket.key)."""
    return f"vessel_tax_{key}"


VESSEL_TAX_FIELDS = tuple(vessel_tax_field(b.key) for b in VESSEL_TAX_BRACKETS)
_BEIJING = rates.vessel_tax_amounts(BEIJING_VESSEL_TAX)


def _vessel_tax_amount(key: str, verbose_name):
    return models.DecimalField(verbose_name, **MONEY, default=to_fen(_BEIJING[key]))


class QuoteSettings(models.Model):
    """A store's quote rules: how long a quote is valid, the consultants' default discount limit, default fees, and
    the 车船税 table of the store's province (one amount per statutory bracket, Beijing's until the manager sets
    the province's own; a store without saved settings quotes with these defaults too)."""

    store = models.OneToOneField("accounts.Store", on_delete=models.CASCADE, related_name="quote_settings")
    validity_days = models.PositiveSmallIntegerField(_("a quote is valid for (days)"), default=7)
    discount_limit = models.DecimalField(
        _("consultant's discount limit (¥)"), **MONEY, default=Decimal(10000),
        help_text=_("A larger dealer discount needs the sales manager's approval."))
    plate_service_fee = models.DecimalField(_("plate service fee (¥)"), **MONEY, default=Decimal(0),
                                            help_text=_("Optional for the buyer; offered by default when above zero."))
    insurer_name = models.CharField(_("insurer of the rate table"), max_length=100, blank=True)
    vessel_tax_region = models.CharField(_("province of the vehicle and vessel tax table"), max_length=50,
                                         default=BEIJING_VESSEL_TAX.region)
    vessel_tax_up_to_1000 = _vessel_tax_amount("up_to_1000", _("vehicle and vessel tax up to 1.0 L (¥/year)"))
    vessel_tax_up_to_1600 = _vessel_tax_amount("up_to_1600", _("vehicle and vessel tax 1.0–1.6 L (¥/year)"))
    vessel_tax_up_to_2000 = _vessel_tax_amount("up_to_2000", _("vehicle and vessel tax 1.6–2.0 L (¥/year)"))
    vessel_tax_up_to_2500 = _vessel_tax_amount("up_to_2500", _("vehicle and vessel tax 2.0–2.5 L (¥/year)"))
    vessel_tax_up_to_3000 = _vessel_tax_amount("up_to_3000", _("vehicle and vessel tax 2.5–3.0 L (¥/year)"))
    vessel_tax_up_to_4000 = _vessel_tax_amount("up_to_4000", _("vehicle and vessel tax 3.0–4.0 L (¥/year)"))
    vessel_tax_over_4000 = _vessel_tax_amount("over_4000", _("vehicle and vessel tax above 4.0 L (¥/year)"))
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("quote settings")
        verbose_name_plural = _("quote settings")
        constraints = [
            models.CheckConstraint(condition=Q(validity_days__gte=1, validity_days__lte=90), name="quote_validity_range"),
            models.CheckConstraint(condition=Q(discount_limit__gte=0), name="quote_limit_not_negative"),
            models.CheckConstraint(condition=Q(plate_service_fee__gte=0), name="quote_plate_fee_not_negative"),
            # Each amount inside the range the law gives its bracket (the service says which one is not).
            models.CheckConstraint(condition=Q(*(
                Q(**{f"{vessel_tax_field(b.key)}__gte": b.minimum, f"{vessel_tax_field(b.key)}__lte": b.maximum})
                for b in VESSEL_TAX_BRACKETS)), name="quote_vessel_tax_statutory"),
        ]

    def __str__(self) -> str:
        return f"{self.store_id}: {self.validity_days}d"

    def vessel_tax_amounts(self) -> dict[str, Decimal]:
        """The store's annual 车船税 by statutory bracket key."""
        return {b.key: getattr(self, vessel_tax_field(b.key)) for b in VESSEL_TAX_BRACKETS}

    def vessel_tax_table(self) -> VesselTaxTable:
        """The store's 车船税 table as the calculation takes it."""
        return rates.vessel_tax_table(self.vessel_tax_region, self.vessel_tax_amounts())


class DiscountLimit(models.Model):
    """A consultant's own discount limit, replacing the store default."""

    store = models.ForeignKey("accounts.Store", verbose_name=_("store"), on_delete=models.CASCADE, related_name="+")
    consultant = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("consultant"), on_delete=models.CASCADE,
                                      related_name="discount_limit")
    amount = models.DecimalField(_("discount limit (¥)"), **MONEY)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("discount limit")
        verbose_name_plural = _("discount limits")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="quote_dlimit_not_negative")]

    def __str__(self) -> str:
        return f"{self.consultant_id}: {self.amount}"


class FloorPrice(models.Model):
    """The lowest price of a trim (guide price − dealer discount) the store sells at; only a manager may go below."""

    store = models.ForeignKey("accounts.Store", verbose_name=_("store"), on_delete=models.CASCADE, related_name="+")
    trim = models.ForeignKey("catalog.Trim", verbose_name=_("trim"), on_delete=models.CASCADE, related_name="+")
    price = models.DecimalField(_("floor price (¥)"), **MONEY)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("floor price")
        verbose_name_plural = _("floor prices")
        constraints = [
            models.UniqueConstraint(fields=["store", "trim"], name="quote_floor_unique"),
            models.CheckConstraint(condition=Q(price__gt=0), name="quote_floor_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.trim_id}: {self.price}"


class UnifiedPrice(models.Model):
    """A trim sold at one national price (融合直售): quoted at its guide price, no dealer discount."""

    store = models.ForeignKey("accounts.Store", verbose_name=_("store"), on_delete=models.CASCADE, related_name="+")
    trim = models.ForeignKey("catalog.Trim", verbose_name=_("trim"), on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("e.g. the OEM announcement"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("unified-price trim")
        verbose_name_plural = _("unified-price trims")
        constraints = [models.UniqueConstraint(fields=["store", "trim"], name="quote_unified_unique")]

    def __str__(self) -> str:
        return str(self.trim_id)


class InsuranceRate(models.Model):
    """A band of the store's commercial-insurance rate table: premium = base + rate × vehicle price, for vehicle
    prices up to `up_to_price` (the band without one is the last)."""

    store = models.ForeignKey("accounts.Store", verbose_name=_("store"), on_delete=models.CASCADE, related_name="+")
    up_to_price = models.DecimalField(_("vehicle price up to (¥)"), **MONEY, null=True, blank=True,
                                      help_text=_("Empty: every price above the other bands."))
    base = models.DecimalField(_("base premium (¥)"), **MONEY, default=Decimal(0))
    rate = models.DecimalField(_("rate of the vehicle price"), **RATE)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("insurance rate band")
        verbose_name_plural = _("insurance rate table")
        ordering = [models.F("up_to_price").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(fields=["store", "up_to_price"], name="quote_rate_band_unique"),
            models.UniqueConstraint(fields=["store"], condition=Q(up_to_price__isnull=True), name="quote_rate_one_open"),
            models.CheckConstraint(condition=Q(base__gte=0, rate__gte=0, rate__lte=1), name="quote_rate_range"),
        ]

    def __str__(self) -> str:
        return f"≤{self.up_to_price}: {self.base} + {self.rate}"


class FinancePromotion(models.Model):
    """A finance offer (e.g. "3 years 0 %") for some trims, valid for a period: its rate replaces the lender's."""

    store = models.ForeignKey("accounts.Store", verbose_name=_("store"), on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    lender = models.CharField(_("lender"), max_length=100)
    trims = models.ManyToManyField("catalog.Trim", verbose_name=_("trims"), related_name="+", blank=True,
                                   help_text=_("None chosen: every trim."))
    terms = models.JSONField(_("terms (months)"), default=list, blank=True, help_text=_("Empty: any term."))
    annual_rate = models.DecimalField(_("annual rate"), **RATE)
    lender_rate = models.DecimalField(_("lender's standard rate"), **RATE,
                                      help_text=_("The rate without the promotion, to show the interest saved."))
    min_down_payment_ratio = models.DecimalField(_("minimum down payment"), **RATE, default=Decimal(0))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    is_active = models.BooleanField(_("in use"), default=True)
    conditions = models.CharField(_("conditions"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("finance promotion")
        verbose_name_plural = _("finance promotions")
        ordering = ["-valid_until", "name"]
        constraints = [
            models.UniqueConstraint(fields=["store", "name"], name="quote_promotion_name"),
            models.CheckConstraint(condition=Q(valid_from__lte=models.F("valid_until")), name="quote_promotion_dates"),
            models.CheckConstraint(condition=Q(annual_rate__gte=0, annual_rate__lt=1, min_down_payment_ratio__gte=0,
                                               min_down_payment_ratio__lte=1), name="quote_promotion_rates"),
        ]
        indexes = [models.Index(fields=["store", "is_active", "valid_until"], name="quote_promotion_active")]

    def __str__(self) -> str:
        return self.name


# ----------------------------------------------------------------------------------------------------- quotes


class Quote(TimeStampedModel):
    """One version of a lead's quote (报价单): its inputs, the calculated figures and where it stands."""

    store = models.ForeignKey("accounts.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey("leads.Lead", verbose_name=_("lead"), on_delete=models.CASCADE, related_name="quotes")
    number = models.CharField(_("quote no."), max_length=40, unique=True)
    version = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT)
    purchase_date = models.DateField(_("expected invoice date"),
                                     help_text=_("Decides the purchase-tax rule, 车船税 months and subsidies."))
    valid_until = models.DateField(_("valid until"))

    trim = models.ForeignKey("catalog.Trim", verbose_name=_("trim"), on_delete=models.PROTECT, related_name="+")
    exterior_colour = models.ForeignKey("catalog.Colour", verbose_name=_("exterior colour"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    interior_colour = models.ForeignKey("catalog.Colour", verbose_name=_("interior colour"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    guide_price = models.DecimalField(_("guide price"), **MONEY)
    unified_price = models.BooleanField(_("unified price (no discount)"), default=False)
    discount = models.DecimalField(_("dealer discount"), **MONEY, default=Decimal(0))

    commercial_insurance_mode = models.CharField(_("commercial insurance"), max_length=12,
                                                 choices=CommercialInsurance.choices, default=CommercialInsurance.NONE)
    commercial_insurance_amount = models.DecimalField(_("commercial insurance premium"), **MONEY, null=True, blank=True)
    plate_service_fee = models.DecimalField(_("plate service fee"), **MONEY, default=Decimal(0))
    extended_warranty = models.DecimalField(_("extended warranty / maintenance package"), **MONEY, default=Decimal(0))
    extended_warranty_name = models.CharField(_("warranty package"), max_length=100, blank=True)

    has_trade_in = models.BooleanField(_("trade-in (置换)"), default=False)
    trade_in_brand = models.CharField(_("old car brand"), max_length=50, blank=True)
    trade_in_model = models.CharField(_("old car model"), max_length=50, blank=True)
    trade_in_year = models.PositiveSmallIntegerField(_("old car year"), null=True, blank=True)
    trade_in_mileage_km = models.PositiveIntegerField(_("old car mileage (km)"), null=True, blank=True)
    trade_in_plate = models.CharField(_("old car plate"), max_length=10, blank=True)
    trade_in_value = models.DecimalField(_("appraised value"), **MONEY, default=Decimal(0))
    trade_in_bonus = models.DecimalField(_("brand trade-in bonus"), **MONEY, default=Decimal(0))
    subsidy_scheme = models.CharField(_("national subsidy scheme"), max_length=10, choices=SubsidyScheme.choices,
                                      default=SubsidyScheme.NONE)

    payment_method = models.CharField(_("payment"), max_length=4, choices=PaymentMethod.choices, default=PaymentMethod.FULL)
    loan_lender = models.CharField(_("lender"), max_length=100, blank=True)
    loan_term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True)
    loan_annual_rate = models.DecimalField(_("annual rate"), **RATE, null=True, blank=True)
    loan_down_payment_ratio = models.DecimalField(_("down payment ratio"), **RATE, null=True, blank=True)
    loan_down_payment_amount = models.DecimalField(_("down payment"), **MONEY, null=True, blank=True)
    promotion = models.ForeignKey(FinancePromotion, verbose_name=_("finance promotion"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="quotes")

    deposit_amount = models.DecimalField(_("deposit"), **MONEY, default=Decimal(0))
    deposit_kind = models.CharField(_("deposit kind"), max_length=8, choices=DepositKind.choices,
                                    default=DepositKind.EARNEST)
    notes = models.TextField(_("promotions and conditions"), blank=True)

    # The calculation's result (calc.QuoteBreakdown as JSON, money as strings) and its headline figures.
    vehicle_price = models.DecimalField(_("vehicle price (裸车价)"), **MONEY)
    total = models.DecimalField(_("total to drive away (落地价)"), **MONEY)
    cash_due_at_signing = models.DecimalField(_("cash due at signing"), **MONEY)
    cash_due_at_delivery = models.DecimalField(_("cash due at delivery"), **MONEY)
    amount_financed = models.DecimalField(_("amount financed"), **MONEY, default=Decimal(0))
    monthly_instalment = models.DecimalField(_("monthly instalment"), **MONEY, null=True, blank=True)
    breakdown = models.JSONField(_("calculation"), default=dict)

    needs_approval = models.BooleanField(_("needs the manager's approval"), default=False)
    below_floor = models.BooleanField(_("below the floor price"), default=False)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    closed_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("consultant"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["lead", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["lead", "version"], name="quote_lead_version_unique"),
            # One accepted quote per lead: an order is made from exactly one.
            models.UniqueConstraint(fields=["lead"], condition=Q(status="accepted"), name="quote_one_accepted"),
            models.CheckConstraint(condition=Q(discount__gte=0, deposit_amount__gte=0, trade_in_value__gte=0,
                                               trade_in_bonus__gte=0), name="quote_amounts_not_negative"),
            models.CheckConstraint(condition=Q(version__gte=1), name="quote_version_positive"),
        ]
        indexes = [
            models.Index(fields=["store", "status", "valid_until"], name="quote_store_status"),
            models.Index(fields=["created_by", "status"], name="quote_creator_status"),
        ]

    def __str__(self) -> str:
        return f"{self.number}"

    @property
    def is_expired(self) -> bool:
        """Issued or approved and past its validity date (Shanghai's today)."""
        from showroom.core import clock

        return self.status in EXPIRING_STATUSES and self.valid_until < clock.today()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def net_trim_price(self):
        """The trim's price after the dealer discount: what the floor price is compared with."""
        return self.guide_price - self.discount


class QuoteLine(models.Model):
    """An amount line of a quote: an option package, an accessory, a store fee or a lender's fee; the catalog's
    price is copied in and may be edited on the quote."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=12, choices=LineKind.choices)
    name = models.CharField(_("name"), max_length=100)
    amount = models.DecimalField(_("amount"), **MONEY)
    option = models.ForeignKey("catalog.OptionPackage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    accessory = models.ForeignKey("catalog.Accessory", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["quote", "kind", "position", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="quote_line_not_negative")]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount}"


class ApprovalRequest(models.Model):
    """A consultant's request for the sales manager's approval of a quote beyond their discount limit or below
    the floor price; the decision is shown to the consultant until they have seen it."""

    store = models.ForeignKey("accounts.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    quote = models.ForeignKey(Quote, verbose_name=_("quote"), on_delete=models.CASCADE, related_name="approvals")
    status = models.CharField(_("status"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING)
    reason = models.CharField(_("reason"), max_length=500)
    discount = models.DecimalField(_("discount asked"), **MONEY)
    limit = models.DecimalField(_("consultant's limit"), **MONEY)
    floor_price = models.DecimalField(_("floor price"), **MONEY, null=True, blank=True)
    below_floor = models.BooleanField(_("below the floor price"), default=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    seen_at = models.DateTimeField(_("seen by the consultant"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("discount approval")
        verbose_name_plural = _("discount approvals")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["quote"], condition=Q(status="pending"), name="quote_one_pending_approval"),
        ]
        indexes = [
            models.Index(fields=["store", "status", "requested_at"], name="quote_approval_queue"),
            models.Index(fields=["requested_by", "status", "seen_at"], name="quote_approval_mine"),
        ]

    def __str__(self) -> str:
        return f"{self.quote_id}: {self.status}"


class NegotiationRound(models.Model):
    """One round of negotiation on a lead: the customer's counter-offer and objections, and the answer."""

    store = models.ForeignKey("accounts.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey("leads.Lead", verbose_name=_("lead"), on_delete=models.CASCADE,
                             related_name="negotiation_rounds")
    quote = models.ForeignKey(Quote, verbose_name=_("quote discussed"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="rounds")
    happened_at = models.DateTimeField(_("when"))
    counter_offer = models.DecimalField(_("customer's counter-offer (¥)"), **MONEY, null=True, blank=True)
    objections = models.JSONField(_("objections"), default=list, blank=True)
    competitor_trim = models.ForeignKey("catalog.Trim", verbose_name=_("competitor's car"), null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    competitor_text = models.CharField(_("competitor's car (other)"), max_length=100, blank=True)
    competitor_price = models.DecimalField(_("competitor's price (¥)"), **MONEY, null=True, blank=True)
    trade_in_value_asked = models.DecimalField(_("trade-in value asked (¥)"), **MONEY, null=True, blank=True)
    customer_said = models.TextField(_("what the customer said"), blank=True)
    answer = models.TextField(_("our answer"))
    consultant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("consultant"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("negotiation round")
        verbose_name_plural = _("negotiation rounds")
        ordering = ["-happened_at", "-pk"]
        indexes = [models.Index(fields=["lead", "happened_at"], name="quote_round_lead")]

    def __str__(self) -> str:
        return f"{self.lead_id} @ {self.happened_at:%Y-%m-%d}"

    @property
    def objection_labels(self) -> list[str]:
        labels = dict(Objection.choices)
        return [str(labels.get(value, value)) for value in self.objections]
