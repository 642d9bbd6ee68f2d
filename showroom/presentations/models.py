"""Vehicle presentation (车辆展示): the six-position walk-around script per series, and each presentation
given to a customer with the points covered and the customer's reactions (domain file §1.4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from showroom.core.models import TimeStampedModel
from showroom.core.scoping import ScopedManager


class Position(models.IntegerChoices):
    """The six positions of the walk-around (六方位绕车介绍), in the order the customer is led round the car."""

    FRONT_LEFT = 1, _("Front left 45°")
    FRONT = 2, _("Front and engine bay")
    SIDE = 3, _("Side")
    REAR = 4, _("Rear")
    REAR_SEATS = 5, _("Rear seats")
    DRIVER_SEAT = 6, _("Driver's seat")


class WalkaroundPoint(TimeStampedModel):
    """A talking point of the walk-around for one series: feature → advantage → benefit (FAB), with evidence."""

    series = models.ForeignKey("catalog.Series", verbose_name=_("series"), on_delete=models.CASCADE,
                               related_name="walkaround_points")
    position = models.PositiveSmallIntegerField(_("position"), choices=Position.choices)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    feature = models.CharField(_("feature"), max_length=200)
    advantage = models.CharField(_("advantage"), max_length=300)
    benefit = models.CharField(_("benefit"), max_length=300)
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    # A retired point stays on the presentations that covered it; the script no longer shows it.
    is_active = models.BooleanField(_("in use"), default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("walk-around point")
        verbose_name_plural = _("walk-around points")
        ordering = ["series", "position", "sort_order", "id"]
        indexes = [models.Index(fields=["series", "is_active", "position", "sort_order"], name="walkaround_series")]

    def __str__(self) -> str:
        return self.feature


class Presentation(TimeStampedModel):
    """One presentation of a car to the lead's customer: the series shown, the points covered, what the
    customer said. A lead may have several (another day, another model)."""

    lead = models.ForeignKey("leads.Lead", verbose_name=_("lead"), on_delete=models.CASCADE, related_name="presentations")
    series = models.ForeignKey("catalog.Series", verbose_name=_("series"), on_delete=models.PROTECT, related_name="+")
    consultant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("consultant"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    covered_points = models.ManyToManyField(WalkaroundPoint, verbose_name=_("points covered"), blank=True,
                                            related_name="presentations")
    reactions = models.TextField(_("customer's reactions"), blank=True)
    objections = models.TextField(_("objections"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("presentation")
        verbose_name_plural = _("presentations")
        ordering = ["lead", "-created_at"]
        indexes = [models.Index(fields=["lead", "created_at"], name="presentation_lead")]

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.series_id}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None
