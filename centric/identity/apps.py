from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "centric.identity"
    label = "identity"
    verbose_name = "Identity resolution"
