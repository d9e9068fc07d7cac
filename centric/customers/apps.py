from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "centric.customers"
    label = "customers"
