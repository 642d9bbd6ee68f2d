from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestdrivesConfig(AppConfig):
    name = "showroom.testdrives"
    label = "testdrives"
    verbose_name = _("Test drives")
