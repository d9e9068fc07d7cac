from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo business (`centric demo`): above every domain app, which it fills with data."""

    name = "centric.demo"
    label = "demo"
    verbose_name = "Demo business"
