"""The dealer group, its stores (展厅) and the people who work in them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class DealerGroup(models.Model):
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("dealer group")
        verbose_name_plural = _("dealer groups")

    def __str__(self) -> str:
        return self.name


class LeadAssignment(models.TextChoices):
    ROUND_ROBIN = "round_robin", _("Round robin among consultants on duty")
    POOL = "pool", _("Leave in the pool for a manager to assign")


class Store(models.Model):
    """A showroom (展厅) with its own people, customer file and settings."""

    group = models.ForeignKey(DealerGroup, verbose_name=_("dealer group"), on_delete=models.PROTECT, related_name="stores")
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=20, unique=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    first_response_hours = models.PositiveSmallIntegerField(
        _("first response deadline for online and phone leads (hours)"), default=2
    )
    lead_assignment = models.CharField(
        _("assignment of new online and phone leads"), max_length=20,
        choices=LeadAssignment.choices, default=LeadAssignment.ROUND_ROBIN,
    )
    dormant_after_days = models.PositiveSmallIntegerField(_("dormant after days without contact"), default=60)
    post_visit_call_hours = models.PositiveSmallIntegerField(_("call after a first showroom visit within (hours)"), default=24)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    RECEPTIONIST = "receptionist", _("Receptionist")
    CONSULTANT = "consultant", _("Sales consultant")
    MANAGER = "manager", _("Sales manager")
    KEY_ACCOUNT = "key_account", _("Key-account manager")
    SERVICE_ADVISOR = "service_advisor", _("Service advisor")
    STORE_ADMIN = "store_admin", _("Store admin")
    GROUP_ADMIN = "group_admin", _("Group admin")
    INTEGRATION = "integration", _("Lead platform integration")


def user_display_name(full_name: str, first_name: str, last_name: str, username: str) -> str:
    """How a user is named on every page: the name they go by, else first and last name, else the username (for
    lists that read users' fields as values rather than as users)."""
    return full_name or f"{first_name} {last_name}".strip() or username


class User(AbstractUser):
    """A person (or a lead platform) who signs in. Everyone but a group admin belongs to one store."""

    store = models.ForeignKey(Store, verbose_name=_("store"), null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CONSULTANT)
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=[("zh-hans", "简体中文"), ("en", "English")], default="zh-hans")
    on_duty = models.BooleanField(_("on duty"), default=True, help_text=_("Takes walk-ins and new leads in rotation."))
    last_lead_assigned_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["store", "role"], name="user_store_role")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return user_display_name(self.full_name, self.first_name, self.last_name, self.username)

    @property
    def sells(self) -> bool:
        """Owns customers and leads of their own (consultants and key-account managers)."""
        return self.role in (Role.CONSULTANT, Role.KEY_ACCOUNT)


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}…"
