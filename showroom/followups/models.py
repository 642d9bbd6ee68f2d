"""Every contact with a prospect, the follow-up tasks that keep the cadence, and the call scripts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from showroom.core.scoping import ScopedManager


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WECHAT = "wechat", _("WeChat")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    SHOWROOM = "showroom", _("Showroom visit")
    HOME_VISIT = "home_visit", _("Home or office visit")
    MAILING = "mailing", _("Mailing")
    EVENT = "event", _("Event invitation")


class Direction(models.TextChoices):
    OUTBOUND = "outbound", _("Outbound")
    INBOUND = "inbound", _("Inbound")


class Outcome(models.TextChoices):
    REACHED = "reached", _("Reached, talked")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy, call back")
    APPOINTMENT = "appointment", _("Visit or test drive booked")
    NOT_INTERESTED = "not_interested", _("Not interested now")
    INVALID = "invalid", _("Wrong or invalid number")
    MESSAGE_SENT = "message_sent", _("Message sent")


# Outcomes that count as reaching the customer: they restart the dormancy clock. Any logged attempt,
# even unanswered, counts as the first response to a new lead.
REACHED_OUTCOMES = (Outcome.REACHED, Outcome.APPOINTMENT, Outcome.NOT_INTERESTED, Outcome.MESSAGE_SENT)


class Activity(models.Model):
    """One contact with the customer on a lead: a call, a message, a visit, a mailing."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey("leads.Lead", verbose_name=_("lead"), on_delete=models.CASCADE, related_name="activities")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(_("channel"), max_length=20, choices=ContactChannel.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.OUTBOUND)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    summary = models.TextField(_("summary"))
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_step_at = models.DateTimeField(_("next step on"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("time"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["lead", "occurred_at"], name="activity_lead"),
            models.Index(fields=["actor", "occurred_at"], name="activity_actor"),
            models.Index(fields=["store", "occurred_at"], name="activity_store"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.occurred_at:%Y-%m-%d}"


class TaskKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response to a new lead")
    CADENCE = "cadence", _("Follow-up by grade")
    POST_VISIT = "post_visit", _("Call after the showroom visit")
    NEXT_STEP = "next_step", _("Agreed next step")
    MANUAL = "manual", _("Follow-up")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Task(models.Model):
    """A follow-up the consultant owes on a lead, due at a time."""

    store = models.ForeignKey("accounts.Store", on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey("leads.Lead", verbose_name=_("lead"), on_delete=models.CASCADE, related_name="tasks")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("consultant"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="tasks",
    )
    kind = models.CharField(_("type"), max_length=20, choices=TaskKind.choices, default=TaskKind.MANUAL)
    title = models.CharField(_("title"), max_length=200)
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    is_appointment = models.BooleanField(_("appointment with the customer"), default=False)
    overdue_since = models.DateTimeField(_("overdue since"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    result = models.TextField(_("result"), blank=True)
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        indexes = [
            models.Index(fields=["owner", "status", "due_at"], name="task_owner_due"),
            models.Index(fields=["store", "status", "due_at"], name="task_store_due"),
            models.Index(fields=["lead", "status"], name="task_lead_status"),
            # Today's appointments on the workbench (done ones included, so no status in the index).
            models.Index(fields=["owner", "due_at"], name="task_appointments", condition=models.Q(is_appointment=True)),
        ]

    def __str__(self) -> str:
        return self.title

    def overdue_at(self, now) -> bool:
        """Still open after its due time."""
        return self.status == TaskStatus.OPEN and self.due_at < now


class ScriptScenario(models.TextChoices):
    FIRST_CALL = "first_call", _("First call to a new lead")
    VISIT_INVITATION = "visit_invitation", _("Invitation to visit the showroom")
    TEST_DRIVE_INVITATION = "test_drive_invitation", _("Test-drive invitation")
    POST_VISIT = "post_visit", _("Follow-up after a visit")
    WIN_BACK = "win_back", _("Win-back of a dormant or lost prospect")


class CallScript(models.Model):
    """A phone script (话术) a consultant reads beside the call form; managers edit them."""

    store = models.ForeignKey("accounts.Store", on_delete=models.CASCADE, related_name="call_scripts")
    scenario = models.CharField(_("scenario"), max_length=30, choices=ScriptScenario.choices)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("script"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("call script")
        verbose_name_plural = _("call scripts")
        ordering = ["scenario", "position", "id"]

    def __str__(self) -> str:
        return self.title
