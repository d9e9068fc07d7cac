"""Rows of one file that repeat an earlier row, found the same way by the preview and the import
(`job_preview`, `job_run`): the preview says what the import will do with them.

- The same external id as an earlier row: the same source record twice.
- Matching by email: the same email as an earlier row (one row per email).
- A row without an external id with the same name and the same email or phone number as an
  earlier row without one: it would create the same person a second time. Rows with different
  external ids are different records in the program that wrote the file, and are imported.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from centric.customers.choices import ContactKind
from centric.imports.services.rows import PreparedRow

REPEATING_KINDS = (ContactKind.EMAIL, ContactKind.PHONE, ContactKind.WHATSAPP)


class RepeatedRows:
    """Remembers the rows seen so far; `reason` is "" for a row that repeats none of them."""

    def __init__(self, *, by_email: bool) -> None:
        self.by_email = by_email
        self.ids: dict[str, int] = {}
        self.emails: dict[str, int] = {}
        self.people: dict[tuple[str, str], int] = {}

    def reason(self, prepared: PreparedRow) -> str:
        if prepared.external_id:
            first = self.ids.setdefault(prepared.external_id, prepared.line)
            if first != prepared.line:
                return _(
                    "External id “%(id)s” appears more than once in the file (first on line %(line)d)."
                ) % {"id": prepared.external_id, "line": first}
        if self.by_email:
            for email in prepared.emails:
                first = self.emails.setdefault(email, prepared.line)
                if first != prepared.line:
                    return _(
                        "Email %(email)s appears more than once in the file (first on line "
                        "%(line)d); matching by email needs one row per email."
                    ) % {"email": email, "line": first}
        if prepared.external_id:
            return ""
        name = prepared.fields.get("search_name") or ""
        values = [c["value_normalized"] for c in prepared.contacts if c["kind"] in REPEATING_KINDS]
        repeated = ""
        for value in values:
            first = self.people.setdefault((name, value), prepared.line)
            if first != prepared.line and not repeated:
                repeated = _(
                    "Repeats line %(line)d: the same name and %(value)s, and no external id; "
                    "importing it would add the same record twice."
                ) % {"line": first, "value": value}
        return repeated
