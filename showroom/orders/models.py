"""Orders (订单): the signed purchase contract from an accepted quote, its deposit and payments, the car allocated
to it by VIN (配车), changes after signing and the cancellation (退订).

A vehicle is allocated to at most one order: `Order.vehicle` is unique among orders that hold a car, and an order
gives its car back (the field is cleared) when the allocation is released or the order is cancelled. Of two
concurrent allocations of one car the database lets exactly one in. Order and receipt numbers come from a counter
row per store, kind and year, updated under its row lock, and are unique per store as well.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from showroom.core.models import VersionedModel
from showroom.core.scoping import ScopedManager

MONEY = {"max_digits": 12, "decimal_places": 2}


class OrderStatus(models.TextChoices):
    SIGNED = "signed", _("Signed")
    DEPOSIT_PAID = "deposit_paid", _("Deposit paid")
    ALLOCATED = "allocated", _("Vehicle allocated")
    READY = "ready", _("Ready for delivery")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


# Orders still running: they may take payments, hold a car and be changed or cancelled.
ACTIVE_STATUSES = (OrderStatus.SIGNED, OrderStatus.DEPOSIT_PAID, OrderStatus.ALLOCATED, OrderStatus.READY)


class DepositKind(models.TextChoices):
    """The legal kind of the deposit, which the contract must name (domain file §1.7)."""

    EARNEST = "earnest", _("Earnest money (定金)")
    ADVANCE = "advance", _("Advance payment (订金)")
    INTENTION = "intention", _("Refundable intention fee (意向金)")
    LOCKED = "locked", _("Locked-order deposit (锁单定金)")


class CancelledBy(models.TextChoices):
    BUYER = "buyer", _("The buyer backs out")
    DEALER = "dealer", _("The dealer backs out")


class PaymentPlan(models.TextChoices):
    FULL = "full", _("Full payment")
    LOAN = "loan", _("Loan")


class PaymentKind(models.TextChoices):
    DEPOSIT = "deposit", _("Deposit")
    BALANCE = "balance", _("Balance")
    LOAN = "loan", _("Loan disbursement")
    TRADE_IN = "trade_in", _("Trade-in credit")
    REFUND = "refund", _("Refund")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    BANK_CARD = "bank_card", _("Bank card (POS)")
    TRANSFER = "transfer", _("Bank transfer")
    WECHAT_PAY = "wechat_pay", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    DIGITAL_RMB = "digital_rmb", _("Digital RMB")
    TRADE_IN = "trade_in", pgettext_lazy("payment method", "Trade-in")


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Order(VersionedModel):
    """A signed purchase contract (汽车买卖合同) of one lead, from its accepted quote."""

    store = models.ForeignKey("accounts.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey("leads.Lead", verbose_name=_("lead"), on_delete=models.PROTECT, related_name="orders")
    quote = models.ForeignKey("quotes.Quote", verbose_name=_("quote"), on_delete=models.PROTECT, related_name="orders")
    number = models.CharField(_("order number"), max_length=20)
    status = models.CharField(_("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.SIGNED)
    consultant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("consultant"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    signed_at = models.DateTimeField(_("signed at"))

    buyer_name = models.CharField(_("buyer"), max_length=50)
    trim = models.ForeignKey("catalog.Trim", verbose_name=_("trim"), on_delete=models.PROTECT, related_name="+")
    exterior_colour = models.ForeignKey("catalog.Colour", verbose_name=_("exterior colour"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    interior_colour = models.ForeignKey("catalog.Colour", verbose_name=_("interior colour"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    # The options and accessories as contracted: a snapshot [{"name", "price"}], not a link to today's catalog.
    options = models.JSONField(_("options"), default=list, blank=True)
    contract_price = models.DecimalField(_("contract price"), **MONEY,
                                         help_text=_("The vehicle price agreed in the contract (裸车价, incl. VAT)."))
    fees = models.DecimalField(_("fees collected by the store"), **MONEY, default=Decimal("0"),
                               help_text=_("Taxes, insurance, plate service, accessories and other items the buyer pays "
                                           "through the store."))
    payment_plan = models.CharField(_("payment plan"), max_length=10, choices=PaymentPlan.choices, default=PaymentPlan.FULL)
    loan_amount = models.DecimalField(_("loan amount"), **MONEY, default=Decimal("0"))
    deposit_kind = models.CharField(_("deposit kind"), max_length=10, choices=DepositKind.choices)
    deposit_amount = models.DecimalField(_("deposit agreed"), **MONEY)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    delivery_place = models.CharField(_("delivery place"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    vehicle = models.ForeignKey("inventory.Vehicle", verbose_name=_("vehicle"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="orders")
    allocated_at = models.DateTimeField(_("allocated at"), null=True, blank=True)
    allows_demo_car = models.BooleanField(_("display or test-drive car accepted"), default=False)
    factory_order_requested_at = models.DateTimeField(_("factory order requested"), null=True, blank=True)
    factory_order_note = models.CharField(_("factory order note"), max_length=300, blank=True)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-signed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "number"], name="order_number_unique_per_store"),
            # The active allocation: a car belongs to one order at a time (released and cancelled orders clear it).
            models.UniqueConstraint(fields=["vehicle"], condition=Q(vehicle__isnull=False), name="order_vehicle_allocated_once"),
            # One running or delivered order per accepted quote.
            models.UniqueConstraint(fields=["quote"], condition=~Q(status="cancelled"), name="order_one_per_quote"),
            models.CheckConstraint(condition=Q(contract_price__gt=0), name="order_contract_price_positive"),
            models.CheckConstraint(condition=Q(deposit_amount__gte=0) & Q(fees__gte=0) & Q(loan_amount__gte=0),
                                   name="order_amounts_not_negative"),
        ]
        indexes = [
            models.Index(fields=["store", "status", "signed_at"], name="order_store_status"),
            models.Index(fields=["consultant", "status", "signed_at"], name="order_consultant_status"),
            models.Index(fields=["lead", "signed_at"], name="order_lead"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def amount_due(self) -> Decimal:
        """What the buyer pays through the store in all: the contract price and the fees."""
        return self.contract_price + self.fees

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class Payment(models.Model):
    """Money received for an order (deposit, balance, loan disbursement, trade-in credit) or paid back (a refund),
    each with its receipt number (收款/退款单号)."""

    store = models.ForeignKey("accounts.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(_("kind"), max_length=10, choices=PaymentKind.choices)
    method = models.CharField(_("payment method"), max_length=12, choices=PaymentMethod.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    receipt_number = models.CharField(_("receipt number"), max_length=20)
    reference = models.CharField(_("transaction reference"), max_length=64, blank=True,
                                 help_text=_("POS slip, bank or WeChat/Alipay transaction number."))
    payer = models.CharField(_("paid by"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    # A payment taken by mistake (a mistyped amount, the wrong order) is voided by a manager, never deleted: it stays
    # on the order and its receipt, marked void, and no longer counts in the balance.
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("voided by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "receipt_number"], name="payment_receipt_unique_per_store"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            # A void payment says when and why; a valid one has neither.
            models.CheckConstraint(condition=Q(voided_at__isnull=True, void_reason="")
                                   | (Q(voided_at__isnull=False) & ~Q(void_reason="")), name="payment_void_with_reason"),
        ]
        indexes = [models.Index(fields=["order", "received_at"], name="payment_order")]

    def __str__(self) -> str:
        return self.receipt_number

    @property
    def is_refund(self) -> bool:
        return self.kind == PaymentKind.REFUND

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    @property
    def voidable(self) -> bool:
        """A payment received and still counting (a refund is never voided); the order's state is the service's."""
        return not self.is_refund and not self.is_void


class Cancellation(models.Model):
    """The cancellation of an order (退订) and the deposit rule applied to it: what was refunded and what forfeited."""

    order = models.OneToOneField(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="cancellation")
    cancelled_by = models.CharField(_("who backs out"), max_length=10, choices=CancelledBy.choices)
    reason = models.CharField(_("reason"), max_length=300)
    deposit_kind = models.CharField(_("deposit kind"), max_length=10, choices=DepositKind.choices)
    deposit_paid = models.DecimalField(_("deposit paid"), **MONEY)
    deposit_refunded = models.DecimalField(_("deposit refunded"), **MONEY)
    deposit_forfeited = models.DecimalField(_("deposit forfeited"), **MONEY)
    compensation = models.DecimalField(_("compensation paid by the dealer"), **MONEY,
                                       help_text=_("The second half of a doubled earnest money."))
    other_refunded = models.DecimalField(_("other payments refunded"), **MONEY)
    refund = models.ForeignKey(Payment, verbose_name=_("refund"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("cancellation")
        verbose_name_plural = _("cancellations")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.cancelled_by}"

    @property
    def total_refunded(self) -> Decimal:
        return self.deposit_refunded + self.compensation + self.other_refunded


class ChangeRequest(models.Model):
    """A change to a signed contract (price, trim, colours, delivery): made by a manager, or asked for by the
    consultant and decided by a manager. `changes` holds {field: [old, new]} as shown when it was made."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="change_requests")
    changes = models.JSONField(_("changes"))
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.CharField(_("comment"), max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("order change")
        verbose_name_plural = _("order changes")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["order"], condition=Q(status="pending"), name="order_one_pending_change"),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="orderchange_status")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.status}"

    @property
    def lines(self) -> list[tuple[str, object, object]]:
        """(field label, old, new) for display, in the order of the contract's fields (a stored JSON object keeps no
        order on PostgreSQL); a trim or colour shows its name."""
        def shown(value):
            return value.get("label") if isinstance(value, dict) else value
        fields = [f.name for f in Order._meta.get_fields()]
        return [(str(Order._meta.get_field(field).verbose_name), shown(old), shown(new))
                for field, (old, new) in sorted(self.changes.items(), key=lambda item: fields.index(item[0]))]


class NumberKind(models.TextChoices):
    ORDER = "SO", _("Order")
    RECEIPT = "SK", _("Receipt")
    REFUND = "TK", _("Refund voucher")


class NumberSequence(models.Model):
    """The last number issued per store, kind and year ("SO2026-000123"); its row lock serialises the next one."""

    store = models.ForeignKey("accounts.Store", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=2, choices=NumberKind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store", "kind", "year"], name="order_number_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.kind}{self.year}: {self.last}"
