"""Vocabulary shared by the customer file and the leads: first-contact channels and lead sources."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    """The seed's four first-contact channels (主动出击 / 在线接触 / 电话接触 / 展厅接触)."""

    PROACTIVE = "proactive", pgettext_lazy("first-contact channel", "Proactive outreach")
    ONLINE = "online", pgettext_lazy("first-contact channel", "Online")
    PHONE = "phone", pgettext_lazy("first-contact channel", "Phone")
    SHOWROOM = "showroom", pgettext_lazy("first-contact channel", "Showroom")


class Source(models.TextChoices):
    """Sub-sources as KPIs split them (domain file §2.2)."""

    WALK_IN = "walk_in", _("Showroom walk-in")
    INVITED_VISIT = "invited_visit", _("Invited showroom visit")
    INBOUND_CALL = "inbound_call", _("Inbound call")
    OUTBOUND_CALL = "outbound_call", _("Outbound call")
    AUTOHOME = "autohome", _("Autohome")
    DONGCHEDI = "dongchedi", _("Dongchedi")
    YICHE = "yiche", _("Yiche / Bitauto")
    PCAUTO = "pcauto", _("PCauto")
    OEM_ONLINE = "oem_online", _("OEM website / app")
    DOUYIN = "douyin", _("Douyin")
    XIAOHONGSHU = "xiaohongshu", _("Xiaohongshu")
    WECHAT = "wechat", _("WeChat")
    REFERRAL = "referral", _("Referral")
    EXHIBITION = "exhibition", _("Auto show / exhibition")
    EXISTING_OWNER = "existing_owner", _("Existing owner / replacement")
    KEY_ACCOUNT = "key_account", _("Key account")
    SERVICE_CUSTOMER = "service_customer", _("Service customer")
    TARGET_LIST = "target_list", _("Target list")
    OTHER = "other", _("Other")


# Which sources belong to which channel: forms offer these and services check them.
SOURCES_BY_CHANNEL: dict[str, tuple[str, ...]] = {
    Channel.PROACTIVE: (
        Source.TARGET_LIST, Source.EXHIBITION, Source.EXISTING_OWNER, Source.KEY_ACCOUNT,
        Source.SERVICE_CUSTOMER, Source.REFERRAL, Source.OTHER,
    ),
    Channel.ONLINE: (
        Source.AUTOHOME, Source.DONGCHEDI, Source.YICHE, Source.PCAUTO, Source.OEM_ONLINE,
        Source.DOUYIN, Source.XIAOHONGSHU, Source.WECHAT, Source.OTHER,
    ),
    Channel.PHONE: (Source.INBOUND_CALL, Source.OUTBOUND_CALL, Source.REFERRAL, Source.OTHER),
    Channel.SHOWROOM: (
        Source.WALK_IN, Source.INVITED_VISIT, Source.REFERRAL, Source.EXISTING_OWNER,
        Source.SERVICE_CUSTOMER, Source.OTHER,
    ),
}
