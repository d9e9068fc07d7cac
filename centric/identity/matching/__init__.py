"""A probabilistic record-linkage library (Fellegi–Sunter), plain Python + numpy + rapidfuzz.

Records in, scored pairs and clusters out. The app, the `centric resolve` command and the
benchmarks all run this same code. Nothing here knows about Django.

    table = RecordTable.from_rows(rows, columns=[...])
    model = Matcher(settings)
    result = model.fit_predict(table)          # deduplicate one table
    result.pairs, result.clusters(threshold)   # scored pairs, cluster ids
"""

from centric.identity.matching.model import Matcher, MatchResult
from centric.identity.matching.settings import (
    BlockingRule,
    Comparison,
    EvidenceRule,
    MatchSettings,
)
from centric.identity.matching.table import RecordTable

__all__ = [
    "BlockingRule",
    "Comparison",
    "EvidenceRule",
    "MatchResult",
    "MatchSettings",
    "Matcher",
    "RecordTable",
]
