from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "centric.interactions"
    label = "interactions"
