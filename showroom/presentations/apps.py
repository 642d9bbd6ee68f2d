from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PresentationsConfig(AppConfig):
    name = "showroom.presentations"
    label = "presentations"
    verbose_name = _("Vehicle presentation")
