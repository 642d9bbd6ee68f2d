"""Stock: the store's vehicles by VIN, from factory order to delivery, with display and test-drive cars."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from showroom.core.models import VersionedModel
from showroom.core.scoping import ScopedManager


class VehicleStatus(models.TextChoices):
    FACTORY_ORDER = "factory_order", _("Factory order")
    IN_TRANSIT = "in_transit", _("In transit")
    IN_STOCK = "in_stock", _("In stock")
    RESERVED = "reserved", _("Reserved")
    SOLD = "sold", _("Sold")
    DELIVERED = "delivered", _("Delivered")


class Vehicle(VersionedModel):
    """One car of the store, identified by its VIN."""

    store = models.ForeignKey("accounts.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="vehicles")
    vin = models.CharField(_("VIN"), max_length=17, unique=True)
    trim = models.ForeignKey("catalog.Trim", verbose_name=_("trim"), on_delete=models.PROTECT, related_name="vehicles")
    exterior_colour = models.ForeignKey("catalog.Colour", verbose_name=_("exterior colour"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    interior_colour = models.ForeignKey("catalog.Colour", verbose_name=_("interior colour"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=VehicleStatus.choices, default=VehicleStatus.IN_STOCK)
    location = models.CharField(_("location"), max_length=100, blank=True)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    is_display = models.BooleanField(_("display car"), default=False)
    is_test_drive = models.BooleanField(_("test-drive car"), default=False)
    plate = models.CharField(_("licence plate"), max_length=10, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["arrival_date", "vin"]
        indexes = [
            models.Index(fields=["store", "status", "arrival_date"], name="vehicle_store_status_arrival"),
            models.Index(fields=["store", "trim", "status"], name="vehicle_store_trim_status"),
            # The test-drive fleet, a handful of cars among thousands: a partial index finds them directly.
            models.Index(fields=["store", "status"], condition=Q(is_test_drive=True), name="vehicle_test_drive_cars"),
            # The stock list's default order (oldest arrival first, the ageing cars on top) without a status filter.
            models.Index(fields=["store", "arrival_date", "id"], name="vehicle_store_arrival"),
        ]

    def __str__(self) -> str:
        return self.vin

    @property
    def vin_tail(self) -> str:
        """The last six characters, which staff read off the windscreen and call the car by."""
        return self.vin[-6:]

    def days_in_stock(self, today) -> int | None:
        """Days since arrival while the car is on the lot or reserved (库龄); None once sold or not yet arrived."""
        if self.status not in (VehicleStatus.IN_STOCK, VehicleStatus.RESERVED) or self.arrival_date is None:
            return None
        return max(0, (today - self.arrival_date).days)

    def is_aged(self, today, ageing_days: int) -> bool:
        days = self.days_in_stock(today)
        return days is not None and days >= ageing_days


DEFAULT_AGEING_DAYS = 90


class StockSettings(models.Model):
    """A store's stock rules: after how many days in stock a car counts as ageing (库龄预警)."""

    store = models.OneToOneField("accounts.Store", verbose_name=_("store"), on_delete=models.CASCADE,
                                 related_name="stock_settings")
    ageing_days = models.PositiveSmallIntegerField(
        _("ageing warning after (days in stock)"), default=DEFAULT_AGEING_DAYS,
        help_text=_("Cars in stock or reserved for this many days or more are highlighted as ageing."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("stock settings")
        verbose_name_plural = _("stock settings")
        constraints = [
            models.CheckConstraint(condition=Q(ageing_days__gte=1, ageing_days__lte=3650), name="stock_ageing_days_range"),
        ]

    def __str__(self) -> str:
        return str(self.store)
