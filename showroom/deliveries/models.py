"""New-car delivery (递交新车): the appointment, the PDI sheet, the hand-over checklist, the customer's signature and
the ceremony photos of one order (domain file §1.8, §1.9)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from showroom.core.models import VersionedModel
from showroom.core.scoping import ScopedManager


class DeliveryStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    COMPLETED = "completed", _("Delivered")
    # The order was cancelled (退订) before the hand-over: the appointment no longer takes place.
    CANCELLED = "cancelled", _("Cancelled")


# The pre-delivery inspection done by the service workshop (domain §1.8); every item must pass before hand-over.
PDI_ITEMS: tuple[tuple[str, str], ...] = (
    ("exterior", _("Exterior, paint and panel gaps")),
    ("interior", _("Interior and trim")),
    ("fluids", _("Fluid levels")),
    ("tyres", _("Tyre pressure")),
    ("electrics", _("All electrics and lights")),
    ("software", _("Software and OTA version")),
    ("protection_removed", _("Transport protection removed")),
    ("road_check", _("Road check")),
)

# What is handed over and explained at the ceremony (domain §1.9). `ev` items apply only to cars that charge.
CHECKLIST_GROUPS: tuple[tuple[str, str], ...] = (
    ("documents", _("Documents and items")),
    ("functions", _("Functions explained")),
    ("ev", _("Charging (plug-in cars)")),
    ("service", _("After-sales")),
)
CHECKLIST_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("documents", "invoice", _("Vehicle sales invoice (机动车销售统一发票)")),
    ("documents", "conformity", _("Certificate of conformity (合格证)")),
    ("documents", "warranty_manual", _("Warranty card (三包凭证), owner's manual and maintenance booklet")),
    ("documents", "insurance", _("Insurance policies")),
    ("documents", "purchase_tax", _("Purchase-tax proof")),
    ("documents", "keys", _("Two keys")),
    ("functions", "connected_app", _("Connected-car app set up")),
    ("functions", "driver_assistance", _("Driver assistance explained")),
    ("ev", "charging", _("Charging explained (cable, ports, charging stations)")),
    ("ev", "charger", _("Home charger installation arranged")),
    ("ev", "app_binding", _("Charging app bound to the car")),
    ("service", "advisor_introduced", _("Paired service advisor introduced")),
    ("service", "first_service", _("First-service timing explained")),
)
EV_ITEMS = frozenset(code for group, code, _label in CHECKLIST_ITEMS if group == "ev")


class Delivery(VersionedModel):
    """The hand-over of one ordered car to its buyer, from the appointment to the signed delivery confirmation."""

    store = models.ForeignKey("accounts.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey("leads.Lead", verbose_name=_("lead"), on_delete=models.CASCADE, related_name="deliveries")
    order = models.OneToOneField("orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="delivery")
    status = models.CharField(_("status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.SCHEDULED)
    scheduled_at = models.DateTimeField(_("appointment"))
    place = models.CharField(_("place or bay"), max_length=100)
    consultant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("consultant"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    service_advisor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("service advisor"), null=True,
                                        on_delete=models.SET_NULL, related_name="+")
    # A car that charges (BEV, PHEV, EREV) gets the charging items of the checklist; fixed when the appointment is made.
    charges = models.BooleanField(_("plug-in car"), default=False)

    pdi_results = models.JSONField(_("PDI results"), default=dict, blank=True)
    pdi_notes = models.TextField(_("PDI notes"), blank=True)
    pdi_inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("PDI signed off by"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    pdi_signed_at = models.DateTimeField(_("PDI signed off"), null=True, blank=True)
    # The car the PDI was done on: it counts for that car only, not for another one allocated after a release.
    pdi_vehicle = models.ForeignKey("inventory.Vehicle", verbose_name=_("PDI done on"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    checklist = models.JSONField(_("checklist"), default=dict, blank=True)
    # The car the checklist was gone through for (its certificate of conformity, its keys): like the PDI, it counts
    # for that car only.
    checklist_vehicle = models.ForeignKey("inventory.Vehicle", verbose_name=_("checklist done for"), null=True,
                                          blank=True, on_delete=models.SET_NULL, related_name="+")
    first_service_due = models.DateField(_("first service due"), null=True, blank=True)
    first_service_km = models.PositiveIntegerField(_("first service at (km)"), null=True, blank=True)

    signer_name = models.CharField(_("signed by"), max_length=50, blank=True)
    signature_png = models.BinaryField(_("signature"), null=True, blank=True, editable=False)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    # The car the customer confirmed receiving (the VIN on the confirmation); a signature for another car does not count.
    signed_vehicle = models.ForeignKey("inventory.Vehicle", verbose_name=_("signed for"), null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")

    completed_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("delivered by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="completed") | models.Q(completed_at__isnull=False, signed_at__isnull=False,
                                                                   pdi_signed_at__isnull=False),
                name="delivery_completed_is_signed"),
        ]
        indexes = [
            models.Index(fields=["store", "scheduled_at"], name="delivery_store_when"),
            models.Index(fields=["consultant", "scheduled_at"], name="delivery_consultant_when"),
        ]

    def __str__(self) -> str:
        return f"{self.lead_id} {self.scheduled_at:%Y-%m-%d %H:%M}"

    @property
    def is_completed(self) -> bool:
        return self.status == DeliveryStatus.COMPLETED

    @property
    def is_cancelled(self) -> bool:
        return self.status == DeliveryStatus.CANCELLED

    @property
    def is_open(self) -> bool:
        """Still to hand over: neither delivered nor called off with its order."""
        return self.status == DeliveryStatus.SCHEDULED

    @property
    def pdi_signed(self) -> bool:
        """The PDI is signed off for the car the order holds now (after a release, the next car needs its own)."""
        return self.pdi_signed_at is not None and not self.pdi_of_another_car

    @property
    def pdi_of_another_car(self) -> bool:
        """A PDI was signed off, but on a car the order no longer holds."""
        return self.pdi_signed_at is not None and (self.pdi_vehicle_id is None
                                                   or self.pdi_vehicle_id != self.order.vehicle_id)

    @property
    def has_signature(self) -> bool:
        """The customer signed the confirmation for the car the order holds now."""
        return self.signed_at is not None and not self.signature_of_another_car

    @property
    def signature_of_another_car(self) -> bool:
        """The customer signed, but for a car the order no longer holds."""
        return self.signed_at is not None and not self._is_order_car(self.signed_vehicle_id)

    @property
    def checklist_of_another_car(self) -> bool:
        """Items were ticked, but for a car the order no longer holds: its documents and keys are not this car's."""
        return any(self.checklist.values()) and not self._is_order_car(self.checklist_vehicle_id)

    def _is_order_car(self, vehicle_id: int | None) -> bool:
        return vehicle_id is not None and vehicle_id == self.order.vehicle_id

    def checklist_ticked(self, code: str) -> bool:
        """The item is ticked for the car the order holds now."""
        return bool(self.checklist.get(code)) and not self.checklist_of_another_car

    def checklist_items(self) -> list[tuple[str, str, str]]:
        """The items this car's hand-over needs: the charging items only for a plug-in car."""
        return [item for item in CHECKLIST_ITEMS if self.charges or item[1] not in EV_ITEMS]

    @property
    def checklist_missing(self) -> list[str]:
        return [str(label) for _group, code, label in self.checklist_items() if not self.checklist_ticked(code)]

    @property
    def pdi_failed(self) -> list[str]:
        return [str(label) for code, label in PDI_ITEMS if not self.pdi_results.get(code)]


def photo_path(instance: DeliveryPhoto, filename: str) -> str:
    # The name is ours, never the uploader's: no path tricks, no personal data in file names.
    return f"deliveries/{instance.delivery_id}/{instance.token}.{instance.extension}"


class DeliveryPhoto(models.Model):
    """A ceremony photo (key hand-over, the family with the car), kept under MEDIA_ROOT and shown only through the
    delivery's scoped view."""

    delivery = models.ForeignKey(Delivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to=photo_path, max_length=200)
    token = models.CharField(max_length=32, editable=False)
    content_type = models.CharField(max_length=30)
    extension = models.CharField(max_length=5)
    size = models.PositiveIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("delivery photo")
        verbose_name_plural = _("delivery photos")
        indexes = [models.Index(fields=["delivery", "uploaded_at"], name="delivery_photo_when")]

    def __str__(self) -> str:
        return self.caption or self.token
