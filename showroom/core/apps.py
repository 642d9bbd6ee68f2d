from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "showroom.core"
    label = "core"
