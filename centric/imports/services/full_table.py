"""The worker's reading of a job's file: the whole file, where the web request read a preview.

The upload, the mapping page and its preview read only the first part of a CSV or vCard file
(decision 0063). The worker then opens the whole file, and what it finds there that the
preview could not know is reconciled with what the user confirmed:

- a vCard card deep in the file with more emails (phones, WhatsApp numbers, websites) than the
  first cards adds columns ("email 6"): they get the automatic mapping, as every vCard column
  does, and the user's choices for the columns they saw are kept;
- a file whose first part is UTF-8 but a later byte is not is read whole in the encoding all of
  it is valid in (Windows-1252, else Latin-1), and the job says so — the rows are never read
  halfway in one encoding and then fail;
- the job's notes, headers and encoding become the whole file's, so that its page and its
  rejected rows' CSV describe what was imported.
"""

from __future__ import annotations

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from centric.imports.fields import clean_mapping, suggest_mapping
from centric.imports.models import ImportJob
from centric.imports.parsing import PREVIEW_SCAN_BYTES, Table

ENCODING_NAMES = {"cp1252": "Windows-1252 (Western European)", "latin-1": "Latin-1"}


def full_mapping(job: ImportJob, table: Table) -> dict[str, str]:
    """The job's confirmed mapping, over the whole file's columns: a column of the preview keeps
    the user's choice, one that only the whole file has gets the automatic mapping. A CSV or
    Excel file has the same columns in the same places whatever was read of it, so a header the
    whole file spells otherwise (read in another encoding) keeps its place's choice."""
    saved: dict[str, str] = dict(job.mapping or {})
    seen = list(job.headers or saved)
    if table.file_format != "vcf" and len(seen) == len(table.headers) and seen != table.headers:
        saved = {new: saved.get(old, "") for old, new in zip(seen, table.headers, strict=True)}
        seen = list(table.headers)
    known = set(seen) | set(saved)
    automatic = suggest_mapping(table.headers, job.record_type)
    return {
        header: saved.get(header, "") if header in known else automatic.get(header, "")
        for header in table.headers
    }


def worker_mapping(job: ImportJob, table: Table) -> dict[str, str]:
    """The cleaned mapping to import the whole file (`table`) with; the job's headers, mapping,
    encoding and notes are brought up to the whole file. Raises ValidationError for a mapping
    that does not fit it."""
    mapping = full_mapping(job, table)
    cleaned = clean_mapping(
        {h: t for h, t in mapping.items() if t}, table.headers, job.record_type, job.match_by
    )
    notes = list(table.notes)
    if job.encoding.startswith("utf-8") and table.encoding in ENCODING_NAMES:
        notes.append(
            _(
                "The preview read the file's first %(size)s as UTF-8, but the whole file is not "
                "UTF-8; the import read all of it as %(encoding)s, the encoding every byte of it "
                "is valid in."
            )
            % {
                "size": filesizeformat(PREVIEW_SCAN_BYTES),
                "encoding": ENCODING_NAMES[table.encoding],
            }
        )
    job.headers = table.headers
    job.mapping = mapping
    job.encoding = table.encoding
    job.notes = "\n".join(notes)
    job.save(update_fields=["headers", "mapping", "encoding", "notes"])
    return cleaned
