from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftercareConfig(AppConfig):
    name = "showroom.aftercare"
    label = "aftercare"
    verbose_name = _("After-delivery care")
