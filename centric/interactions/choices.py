"""Channels, directions and kinds of the touchpoints on the timeline."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone")
    SOCIAL = "social", _("Social")
    WEB = "web", _("Web")
    PORTAL = "portal", _("Portal")
    VISIT = "visit", _("Field visit")
    IN_PERSON = "in_person", _("In person")
    OTHER = "other", _("Other")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")
    INTERNAL = "internal", _("Internal")


class Kind(models.TextChoices):
    NOTE = "note", _("Note")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    VISIT = "visit", _("Visit")
    MESSAGE = "message", _("Message")
    EMAIL = "email", _("Email")
    FORM = "form", _("Form submission")
    PURCHASE = "purchase", _("Purchase")
    TASK = "task", _("Task")
    SYSTEM = "system", _("System")


# What a person can add by hand from the timeline, and the channel each implies by default.
MANUAL_KINDS = {
    Kind.NOTE: Channel.OTHER,
    Kind.CALL: Channel.PHONE,
    Kind.MEETING: Channel.IN_PERSON,
    Kind.VISIT: Channel.VISIT,
}
