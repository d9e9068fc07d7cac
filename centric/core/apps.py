from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "centric.core"
    label = "core"
