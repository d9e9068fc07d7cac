"""Choices for the customer record."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNDISCLOSED = "undisclosed", _("Prefers not to say")


class ContactKind(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SOCIAL = "social", _("Social handle")
    ADDRESS = "address", _("Postal address")
    WEBSITE = "website", _("Website")


class ConsentPurpose(models.TextChoices):
    MARKETING_EMAIL = "marketing_email", _("Marketing by email")
    MARKETING_SMS = "marketing_sms", _("Marketing by SMS")
    MARKETING_WHATSAPP = "marketing_whatsapp", _("Marketing on WhatsApp")
    MARKETING_PHONE = "marketing_phone", _("Marketing calls")
    PROFILING = "profiling", _("Analysis and profiling")


class ConsentStatus(models.TextChoices):
    GRANTED = "granted", _("Granted")
    PENDING = "pending", _("Awaiting confirmation")
    DENIED = "denied", _("Denied")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentMethod(models.TextChoices):
    FORM = "form", _("Web form")
    IMPORT = "import", _("Import")
    API = "api", _("API")
    PORTAL = "portal", _("Customer portal")
    STAFF = "staff", _("Recorded by staff")
    IN_PERSON = "in_person", _("In person")
    EMAIL_CONFIRMATION = "email_confirmation", _("Email confirmation (double opt-in)")


DEFAULT_LIFECYCLE_STAGES = [
    ("subscriber", _("Subscriber"), False),
    ("lead", _("Lead"), False),
    ("qualified", _("Qualified"), False),
    ("opportunity", _("Opportunity"), False),
    ("customer", _("Customer"), True),
    ("lost", _("Lost"), False),
    ("churned", _("Churned"), False),
]
