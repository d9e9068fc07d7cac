from django.apps import AppConfig


class KitAppConfig(AppConfig):
    name = "centric.core.tests.kit_app"
    label = "kit_app"
    default_auto_field = "django.db.models.BigAutoField"
