"""Test ride and drive (试乘试驾): the store's routes and policy, and bookings of test-drive cars for leads.

A booking holds its car's time as rows of `SlotHold`, one per quarter hour, unique per car and start: two
bookings of one car can never overlap, whatever the database and however many requests arrive at once. The rows
exist only while the booking holds the car (booked, under way, done); a cancelled, declined or missed booking
gives its time back by deleting them.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from showroom.core.models import VersionedModel
from showroom.core.scoping import ScopedManager

# The grain of the occupancy table. Slot lengths are whole multiples of it, so a store may change its slot
# length later without bookings of the old and the new grid ever overlapping unseen.
GRAIN = dt.timedelta(minutes=15)

DEFAULT_AGREEMENT = """试乘试驾协议

为保障试乘试驾过程中的人身与车辆安全，试驾人（下称“本人”）在试驾前确认并同意以下条款：

一、资格
1. 本人持有有效的机动车驾驶证，准驾车型与试驾车辆相符，并已向本店出示驾驶证原件及身份证件。
2. 驾驶证处于实习期（初次领证未满一年）的，本人仅参加试乘，不驾驶车辆。
3. 本人未饮酒，未服用影响驾驶的药物，身体及精神状况适合驾驶。

二、路线与驾驶
1. 本人按本店指定的试驾路线行驶，服从随车销售顾问的指引，不擅自变更路线、不驶离指定区域。
2. 严格遵守道路交通安全法律法规及限速规定，全程系好安全带；城市道路不超过限速，试驾全程不超过 80 公里/小时。
3. 不进行急加速比赛、漂移、连续急刹等危险驾驶行为；换手须在顾问指定的安全地点进行。
4. 试驾过程中不得接打手持电话，车内不得吸烟。

三、责任
1. 因本人违反交通法规或本协议造成的交通违法记录、罚款及扣分，由本人承担。
2. 因本人故意或重大过失造成车辆损坏、第三方人身或财产损失的，在保险赔付范围以外的部分由本人承担赔偿责任。
3. 本店已为试驾车辆投保交强险及商业险。

四、个人信息
1. 本人同意本店为办理试乘试驾及安全管理之目的，记录本人姓名、联系方式、驾驶证号码、准驾车型、有效期限及本签名，
   并仅在完成上述目的所必需的期限内保存。
2. 未经本人另行同意，本店不向第三方提供上述信息；本人可随时向本店查询、更正或要求删除。

本人已仔细阅读并理解上述全部条款，自愿参加试乘试驾。
"""


class LicenceClass(models.TextChoices):
    """准驾车型 of a Chinese driving licence (公安部令第162号)."""

    A1 = "A1", "A1"
    A2 = "A2", "A2"
    A3 = "A3", "A3"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", _("C2 (automatic)")
    C3 = "C3", "C3"
    C4 = "C4", "C4"
    C5 = "C5", "C5"
    D = "D", "D"
    E = "E", "E"
    F = "F", "F"


# Classes that include driving a small passenger car (C1 and the classes above it, and C2 for automatics, which
# every test-drive car of the range is). C5 is for adapted cars only; the others are motorcycles and trucks.
CAR_CLASSES = frozenset({"A1", "A2", "A3", "B1", "B2", "C1", "C2"})


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    IN_PROGRESS = "in_progress", _("Under way")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")
    DECLINED = "declined", _("Declined")


# Statuses whose booking holds its car's time.
HOLDING = (BookingStatus.BOOKED, BookingStatus.IN_PROGRESS, BookingStatus.COMPLETED)
ENDED = (BookingStatus.COMPLETED, BookingStatus.CANCELLED, BookingStatus.NO_SHOW, BookingStatus.DECLINED)

FEEDBACK_ASPECTS = (
    ("score_acceleration", _("Acceleration")),
    ("score_handling", _("Handling")),
    ("score_comfort", _("Comfort")),
    ("score_quietness", _("Quietness")),
    ("score_assistance", _("Driver assistance")),
    ("score_space", _("Space")),
    ("score_overall", _("Overall")),
)


class Policy(models.Model):
    """A store's test-drive rules: opening hours and slot length, probationary drivers, the agreement text."""

    store = models.OneToOneField("accounts.Store", on_delete=models.CASCADE, related_name="testdrive_policy")
    opens_at = models.TimeField(_("first slot at"), default=dt.time(9, 0))
    closes_at = models.TimeField(_("last drive ends by"), default=dt.time(18, 0))
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"), default=30, choices=[(15, "15"), (30, "30"), (45, "45"), (60, "60"), (90, "90")])
    probationary_may_drive = models.BooleanField(
        _("drivers in their first (probationary) year may drive"), default=False,
        help_text=_("Off: they may ride along only."))
    agreement_text = models.TextField(_("test-drive agreement"), default=DEFAULT_AGREEMENT)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("test-drive policy")
        verbose_name_plural = _("test-drive policies")
        constraints = [models.CheckConstraint(condition=models.Q(opens_at__lt=models.F("closes_at")), name="td_policy_hours")]

    def __str__(self) -> str:
        return f"{self.store_id}: {self.opens_at}-{self.closes_at}/{self.slot_minutes}"


class Route(models.Model):
    """A fixed test-drive route of the store, chosen to show acceleration, bends, bumps, braking and parking."""

    store = models.ForeignKey("accounts.Store", verbose_name=_("store"), on_delete=models.CASCADE, related_name="testdrive_routes")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    distance_km = models.DecimalField(_("distance (km)"), max_digits=5, decimal_places=1)
    typical_minutes = models.PositiveSmallIntegerField(_("typical duration (minutes)"))
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("test-drive route")
        verbose_name_plural = _("test-drive routes")
        ordering = ["-active", "name"]
        constraints = [models.UniqueConstraint(fields=["store", "name"], name="td_route_name_unique")]

    def __str__(self) -> str:
        return self.name


class Booking(VersionedModel):
    """A test drive of a lead: booked slot and car, the licence and signed agreement, the drive and its feedback.

    A decline recorded without a booked slot has no car and no times."""

    store = models.ForeignKey("accounts.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey("leads.Lead", verbose_name=_("lead"), on_delete=models.CASCADE, related_name="test_drives")
    vehicle = models.ForeignKey("inventory.Vehicle", verbose_name=_("test-drive car"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="test_drives")
    consultant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("consultant"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    route = models.ForeignKey(Route, verbose_name=_("route"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("from"), null=True, blank=True)
    ends_at = models.DateTimeField(_("to"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    ride_only = models.BooleanField(_("ride along only"), default=False)

    licence_number = models.CharField(_("licence number"), max_length=20, blank=True)
    licence_class = models.CharField(_("licence class"), max_length=2, choices=LicenceClass.choices, blank=True)
    licence_valid_until = models.DateField(_("licence valid until"), null=True, blank=True)
    licence_first_issued = models.DateField(_("licence first issued"), null=True, blank=True)
    licence_checked_at = models.DateTimeField(_("licence checked"), null=True, blank=True)

    agreement_text = models.TextField(_("agreement signed"), blank=True)
    signer_name = models.CharField(_("signed by"), max_length=50, blank=True)
    signature_png = models.BinaryField(_("signature"), null=True, blank=True, editable=False)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    started_at = models.DateTimeField(_("drive started"), null=True, blank=True)
    odometer_start = models.PositiveIntegerField(_("odometer at start (km)"), null=True, blank=True)
    ended_at = models.DateTimeField(_("drive ended"), null=True, blank=True)
    odometer_end = models.PositiveIntegerField(_("odometer at end (km)"), null=True, blank=True)

    score_acceleration = models.PositiveSmallIntegerField(_("acceleration"), null=True, blank=True)
    score_handling = models.PositiveSmallIntegerField(_("handling"), null=True, blank=True)
    score_comfort = models.PositiveSmallIntegerField(_("comfort"), null=True, blank=True)
    score_quietness = models.PositiveSmallIntegerField(_("quietness"), null=True, blank=True)
    score_assistance = models.PositiveSmallIntegerField(_("driver assistance"), null=True, blank=True)
    score_space = models.PositiveSmallIntegerField(_("space"), null=True, blank=True)
    score_overall = models.PositiveSmallIntegerField(_("overall"), null=True, blank=True)
    customer_comments = models.TextField(_("customer's comments"), blank=True)
    consultant_notes = models.TextField(_("consultant's notes"), blank=True)

    reminder_task = models.ForeignKey("followups.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("test drive")
        verbose_name_plural = _("test drives")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="declined")
                | models.Q(vehicle__isnull=False, starts_at__isnull=False, ends_at__isnull=False),
                name="td_booking_has_slot"),
            models.CheckConstraint(
                condition=models.Q(starts_at__isnull=True) | models.Q(ends_at__gt=models.F("starts_at")),
                name="td_booking_ends_after_start"),
            models.CheckConstraint(
                condition=models.Q(odometer_end__isnull=True) | models.Q(odometer_end__gte=models.F("odometer_start")),
                name="td_booking_odometer_forward"),
            *[models.CheckConstraint(condition=models.Q(**{f"{name}__isnull": True}) | models.Q(**{f"{name}__range": (1, 5)}),
                                     name=f"td_booking_{name}_1_5") for name, _label in FEEDBACK_ASPECTS],
        ]
        indexes = [
            models.Index(fields=["lead", "starts_at"], name="td_booking_lead"),
            models.Index(fields=["vehicle", "starts_at"], name="td_booking_vehicle"),
            models.Index(fields=["store", "starts_at"], name="td_booking_store"),
        ]

    def __str__(self) -> str:
        return f"{self.lead_id} {self.starts_at:%Y-%m-%d %H:%M}" if self.starts_at else f"{self.lead_id} {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in (BookingStatus.BOOKED, BookingStatus.IN_PROGRESS)

    @property
    def has_signature(self) -> bool:
        return self.signed_at is not None

    @property
    def licence_checked(self) -> bool:
        return self.licence_checked_at is not None

    @property
    def distance_km(self) -> int | None:
        if self.odometer_start is None or self.odometer_end is None:
            return None
        return self.odometer_end - self.odometer_start

    @property
    def licence_masked(self) -> str:
        n = self.licence_number
        return f"{n[:4]}{'*' * max(len(n) - 8, 0)}{n[-4:]}" if len(n) > 8 else n


class SlotHold(models.Model):
    """One quarter hour of a test-drive car held by a booking; unique per car and start."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="holds")
    vehicle = models.ForeignKey("inventory.Vehicle", on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()

    objects = ScopedManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vehicle", "starts_at"], name="td_slot_once_per_car")]

    def __str__(self) -> str:
        return f"{self.vehicle_id}@{self.starts_at:%Y-%m-%d %H:%M}"
