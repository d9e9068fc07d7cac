"""What to compare and how to find candidate pairs: the matcher's configuration."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

KINDS = ("jaro_winkler", "first_name", "exact", "levenshtein", "date", "phone", "email")


@dataclass(frozen=True)
class Comparison:
    """One comparison over a column, with agreement levels from best to worst.

    Level 0 is "missing on either side" (no evidence either way). `thresholds` are similarity
    cut-offs for Jaro–Winkler kinds or edit distances for Levenshtein kinds.
    `term_frequency` makes agreement on a common value (a shop's landline, "Okafor") count for
    less than agreement on a rare one.
    """

    name: str
    column: str
    kind: str = "jaro_winkler"
    thresholds: tuple[float, ...] = (0.92, 0.8)
    term_frequency: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown comparison kind {self.kind!r}")

    @property
    def level_labels(self) -> list[str]:
        if self.kind == "jaro_winkler":
            return (
                ["missing", "exact"]
                + [f"similarity ≥ {t}" for t in self.thresholds]
                + ["different"]
            )
        if self.kind == "first_name":
            return (
                ["missing", "exact", "nickname", "initial"]
                + [f"similarity ≥ {t}" for t in self.thresholds]
                + ["different"]
            )
        if self.kind == "exact":
            return ["missing", "exact", "different"]
        if self.kind == "levenshtein":
            return (
                ["missing", "exact"]
                + [f"{int(t)} edit(s)" for t in self.thresholds]
                + ["different"]
            )
        if self.kind == "date":
            return [
                "missing",
                "exact",
                "day and month swapped",
                "one digit off",
                "same year",
                "different",
            ]
        if self.kind == "phone":
            return ["missing", "same number", "same last digits", "different"]
        if self.kind == "email":
            return ["missing", "exact", "typo", "different"]
        raise AssertionError(self.kind)

    @property
    def level_count(self) -> int:
        return len(self.level_labels)


@dataclass(frozen=True)
class BlockingRule:
    """Records sharing a key are candidate pairs. Keys shared by too many records are skipped:
    a landline used by 10,000 customers must not create 50 million pairs.

    `keys(table)` returns, per record, a key ('' for none) or a tuple of keys (multi-valued).
    """

    name: str
    keys: Callable[..., Iterable[Any]]
    max_block_size: int = 300
    # Columns the key is made of. Pairs found by this rule agree on them by construction, so
    # when training m, those comparisons are held out for this rule's pairs (as splink does).
    uses: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvidenceRule:
    """Agreements that stop counting when a pair disagrees in a telling way.

    Fellegi–Sunter weighs each field on its own, as if agreements were independent; in a
    household they are not: spouses, children and twins share a surname, a city, a landline and
    sometimes a family email, and differ only in their first names and dates of birth. When a
    pair reaches one of `when`'s levels — (comparison name, level label, reason shown to the
    reviewer) — the positive weights of the `discounted` comparisons are taken back, and the
    review queue shows the rule, the reason and the weight it took as one more line of evidence.
    """

    name: str
    when: tuple[tuple[str, str, str], ...]
    discounted: tuple[str, ...]


@dataclass
class MatchSettings:
    comparisons: list[Comparison]
    blocking_rules: list[BlockingRule]
    swap_columns: tuple[str, str] | None = None
    rules: list[EvidenceRule] = field(default_factory=list)
    # Records that may not end up in one cluster through other records: (comparison name,
    # level label, reason shown to the reviewer). A record without a first name that matches two
    # members of a household must not join them into one person (`Matcher.separate`).
    cannot_link: tuple[tuple[str, str, str], ...] = ()
    link_only: bool = False
    one_to_one: bool = False
    em_iterations: int = 25
    m_prior_strength: float = 50.0
    u_sample_size: int = 300_000
    review_threshold: float = 0.5
    merge_threshold: float = 0.95
    seed: int = 42
    prepare: Callable | None = None
    extra: dict = field(default_factory=dict)
