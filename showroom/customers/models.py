"""The one customer file (潜在客户档案): people and companies, deduplicated by mobile within a store."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from showroom.core.choices import Source
from showroom.core.models import VersionedModel
from showroom.core.scoping import ScopedManager

from .identity import mask_id_number, mask_mobile


class CustomerKind(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")


class Gender(models.TextChoices):
    UNKNOWN = "", _("Unknown")
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Tag(models.Model):
    store = models.ForeignKey("accounts.Store", on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("name"), max_length=30)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [models.UniqueConstraint(fields=["store", "name"], name="tag_unique_per_store")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Customer(VersionedModel):
    store = models.ForeignKey("accounts.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="customers")
    kind = models.CharField(_("type"), max_length=10, choices=CustomerKind.choices, default=CustomerKind.PERSON)
    name = models.CharField(_("name"), max_length=100)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile"), max_length=11, null=True, blank=True)
    mobile_last4 = models.CharField(max_length=4, blank=True, editable=False)
    wechat_id = models.CharField(_("WeChat ID"), max_length=50, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True, default=Gender.UNKNOWN)
    city = models.CharField(_("city"), max_length=30, blank=True)
    district = models.CharField(_("district"), max_length=30, blank=True)
    id_number = models.CharField(_("resident ID number"), max_length=18, blank=True)
    source = models.CharField(_("source"), max_length=30, choices=Source.choices, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="customers")
    notes = models.TextField(_("notes"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("consultant"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="customers",
    )
    name_pinyin = models.CharField(max_length=200, blank=True, editable=False)
    name_initials = models.CharField(max_length=50, blank=True, editable=False)
    consent_contact = models.BooleanField(_("may be contacted"), default=False)
    consent_marketing = models.BooleanField(_("may receive marketing"), default=False)
    # Another consultant, or the pool, holds a lead of this customer (kept by customers_sync_shared): consultants who
    # do not own the customer see them only through such a lead, and this flag lets the database skip that check for
    # the great majority of customers, whose leads are all with their owner.
    shared = models.BooleanField(default=False, db_default=False, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(
                fields=["store", "mobile"], condition=models.Q(mobile__isnull=False), name="customer_mobile_unique_per_store"
            ),
        ]
        indexes = [
            models.Index(fields=["store", "mobile_last4"], name="customer_last4"),
            models.Index(fields=["owner", "created_at"], name="customer_owner_created"),
            models.Index(fields=["store", "created_at"], name="customer_store_created"),
            # The name and pinyin search: for a consultant one branch per way of seeing a customer (owner, pool,
            # shared), each answered from an index (see core.scoping.customer_rule). Each index ends with the list's
            # default order, so that the page's keys and the count of the matches are read from the index alone.
            models.Index(fields=["store", "name_initials", "created_at"], name="customer_initials"),
            models.Index(fields=["store", "name_pinyin", "created_at"], name="customer_pinyin"),
            models.Index(fields=["store", "name", "created_at"], name="customer_name"),
            models.Index(fields=["store", "owner", "name_initials", "created_at"], name="customer_owner_initials"),
            models.Index(fields=["store", "owner", "name_pinyin", "created_at"], name="customer_owner_pinyin"),
            models.Index(fields=["store", "owner", "name", "created_at"], name="customer_owner_name"),
            models.Index(fields=["store", "name_initials", "created_at"], condition=models.Q(shared=True),
                         name="customer_shared_initials"),
            models.Index(fields=["store", "name_pinyin", "created_at"], condition=models.Q(shared=True),
                         name="customer_shared_pinyin"),
            models.Index(fields=["store", "name", "created_at"], condition=models.Q(shared=True),
                         name="customer_shared_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class ConsentKind(models.TextChoices):
    CONTACT = "contact", _("Contact about the purchase")
    MARKETING = "marketing", _("Marketing messages")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Verbally, in person")
    PHONE = "phone", _("On the phone (recorded call)")
    PAPER = "paper", _("Signed paper form")
    ONLINE = "online", _("Online form or platform")
    WECHAT = "wechat", _("WeChat message")
    SMS = "sms", _("SMS reply")


class ConsentRecord(models.Model):
    """A consent given or withdrawn, with when and how (PIPL Arts 14–15)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consent"), max_length=20, choices=ConsentKind.choices)
    granted = models.BooleanField(_("granted"))
    method = models.CharField(_("how it was given"), max_length=20, choices=ConsentMethod.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind}={self.granted}"
