from django.db import models
from django.utils.translation import gettext_lazy as _


class StageOutcome(models.TextChoices):
    """What reaching a stage means: the deal is still open, won or lost."""

    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


# The deal's attributes a stage may require (per-stage requirements), with the words a seller
# reads when one is missing.
REQUIRABLE_FIELDS = {
    "amount": _("an amount"),
    "expected_close_on": _("an expected close date"),
    "person": _("a contact person"),
    "organisation": _("an organisation"),
    "next_step": _("a next step"),
}
