from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "centric.imports"
    label = "imports"
