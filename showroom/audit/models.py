"""The audit log of changes and the PIPL log of full-value reads of personal data."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from showroom.core.scoping import ScopedManager


class AuditEntry(models.Model):
    """Who changed what, when, from which value to which. Scheduled changes have no actor."""

    store = models.ForeignKey("accounts.Store", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("action"), max_length=60)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.BigIntegerField()
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"], name="audit_target")]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} #{self.target_id}"


class PiiAccess(models.Model):
    """A full, unmasked value of personal data was shown to someone (PIPL Art. 51)."""

    store = models.ForeignKey("accounts.Store", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="pii_accesses")
    field = models.CharField(_("field"), max_length=30)
    purpose = models.CharField(_("purpose"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        indexes = [models.Index(fields=["customer", "created_at"], name="pii_customer")]

    def __str__(self) -> str:
        return f"{self.field} of #{self.customer_id}"
