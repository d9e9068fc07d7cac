from django.apps import AppConfig


class GoodwillConfig(AppConfig):
    name = "centric.goodwill"
    label = "goodwill"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Goodwill"
