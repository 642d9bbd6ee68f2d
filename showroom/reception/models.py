"""The showroom log (来店登记): one row per batch (批次) of people arriving together."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from showroom.core.scoping import ScopedManager


class VisitPurpose(models.TextChoices):
    """Sales traffic, or one of the five non-sales purposes kept out of sales figures."""

    SALES = "sales", _("Car purchase")
    COLLECT_CAR = "collect_car", _("Collecting a car")
    PAPERWORK = "paperwork", _("Paperwork")
    CANCELLATION = "cancellation", _("Cancelling an order")
    SERVICE = "service", _("Service or repair")
    OTHER = "other", _("Other")


class Visit(models.Model):
    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="visits")
    batch_no = models.CharField(_("batch"), max_length=20)
    arrived_at = models.DateTimeField(_("arrived"))
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    party_size = models.PositiveSmallIntegerField(_("party size"), default=1)
    is_first_visit = models.BooleanField(_("first visit"), default=True)
    invited = models.BooleanField(_("invited"), default=False)
    purpose = models.CharField(_("purpose"), max_length=20, choices=VisitPurpose.choices, default=VisitPurpose.SALES)
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="visits")
    lead = models.ForeignKey("leads.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="visits")
    captured = models.BooleanField(_("mobile captured"), default=False)
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("consultant"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="visits",
    )
    models_of_interest = models.CharField(_("models of interest"), max_length=200, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("showroom visit")
        verbose_name_plural = _("showroom visits")
        constraints = [models.UniqueConstraint(fields=["store", "batch_no"], name="visit_batch_unique")]
        indexes = [
            models.Index(fields=["store", "arrived_at"], name="visit_store_arrived"),
            models.Index(fields=["consultant", "left_at"], name="visit_consultant_open"),
            models.Index(fields=["lead", "arrived_at"], name="visit_lead"),
        ]

    def __str__(self) -> str:
        return self.batch_no

    @property
    def is_sales_traffic(self) -> bool:
        return self.purpose == VisitPurpose.SALES

    @property
    def in_showroom(self) -> bool:
        return self.left_at is None
