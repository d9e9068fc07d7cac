from django.apps import AppConfig


class ExtrasConfig(AppConfig):
    name = "centric.extras"
    label = "extras"
