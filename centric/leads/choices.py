from django.db import models
from django.utils.translation import gettext_lazy as _


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    QUALIFIED = "qualified", _("Qualified")
    DISQUALIFIED = "disqualified", _("Disqualified")
    CONVERTED = "converted", _("Converted")


class LeadSource(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    REFERRAL = "referral", _("Referral")
    WHATSAPP = "whatsapp", _("WhatsApp")
    PHONE = "phone", _("Phone call")
    WEBSITE = "website", _("Website")
    SOCIAL = "social", _("Social media")
    EVENT = "event", _("Event or market")
    IMPORT = "import", _("Import")
    OTHER = "other", _("Other")


class Timeframe(models.TextChoices):
    UNKNOWN = "", _("Not known")
    THIS_MONTH = "this_month", _("This month")
    THIS_QUARTER = "this_quarter", _("This quarter")
    LATER = "later", _("Later")


class RuleKind(models.TextChoices):
    ATTRIBUTE = "attribute", _("What the lead is")
    BEHAVIOUR = "behaviour", _("What the lead did")


# The attributes a scoring rule can look at, with the words shown when one matches.
SCORABLE_ATTRIBUTES = {
    "source": _("Source is %(value)s"),
    "territory": _("Territory is %(value)s"),
    "timeframe": _("Buying %(value)s"),
    "decision_maker": _("Is the decision maker"),
    "has_email": _("Gave an email address"),
    "has_phone": _("Gave a phone number"),
    "budget_at_least": _("Budget of at least %(value)s"),
    "has_organisation": _("Buys for an organisation"),
}

# Behaviours the business scores, as recorded on a lead (API, channels, by hand). Any other key
# may be recorded too; these are the ones offered first.
KNOWN_BEHAVIOURS = {
    "opened_price_list": _("Opened the price list"),
    "replied_within_a_day": _("Replied within a day"),
    "visited_shop": _("Visited the shop"),
    "asked_for_quote": _("Asked for a quote"),
    "no_reply": _("Did not reply"),
}
