from django.db import models
from django.utils.translation import gettext_lazy as _


class StatusKind(models.TextChoices):
    """What a status means, whatever the business calls it: the clocks and reports read this."""

    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING_CUSTOMER = "pending_customer", _("Pending the customer")
    PENDING_BACK_OFFICE = "pending_back_office", _("Pending the back office")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    WEB = "web", _("Web form")
    PORTAL = "portal", _("Portal")
    WALK_IN = "walk_in", _("Walk-in")
    SOCIAL = "social", _("Social media")
    OTHER = "other", _("Other")


class MessageKind(models.TextChoices):
    PUBLIC = "public", _("Reply to the customer")
    INTERNAL = "internal", _("Internal note")
