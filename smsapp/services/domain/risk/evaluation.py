"""Measuring the screen on a labelled set (CSV: id, language, category, label, text).

How rows count, the same everywhere (tests, bench/risk_eval.py, the notes):

- ``crisis`` rows: **recall** is the share answered ``crisis``. A crisis row answered
  with a safety check is a miss: the member does not get the resources at once.
- ``none`` rows: **false alarms** are the share answered ``crisis``. A none row answered
  with a safety check is not an alarm (no case, no resources), and is counted apart as
  ``checked`` so it stays visible.
- ``check`` rows (distress without a clear risk signal): the share answered ``check`` or
  ``crisis`` (either way the member is asked or helped), reported on its own.

Per category, the figure is the share answered as that category's label requires:
crisis for crisis categories, not crisis for none categories, check or crisis for
check categories. So "no category under 0.9" reads the same way for every category.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from smsapp.services.domain.risk.screen import CHECK, CRISIS, NONE, RiskResult

LABELS = (CRISIS, CHECK, NONE)


@dataclass(frozen=True)
class Row:
    id: str
    language: str
    category: str
    label: str
    text: str


@dataclass
class Tally:
    """How one group of rows was answered."""

    rows: int = 0
    crisis: int = 0
    check: int = 0

    def add(self, level: str) -> None:
        self.rows += 1
        self.crisis += level == CRISIS
        self.check += level == CHECK

    def share(self, label: str) -> float:
        """The share answered the way ``label`` requires (see the module docstring)."""
        if not self.rows:
            return 1.0
        if label == CRISIS:
            good = self.crisis
        elif label == CHECK:
            good = self.crisis + self.check
        else:
            good = self.rows - self.crisis
        return good / self.rows


@dataclass
class Report:
    by_label: dict[str, Tally] = field(default_factory=dict)
    by_category: dict[tuple[str, str], Tally] = field(default_factory=dict)  # (label, cat)
    by_language: dict[tuple[str, str], Tally] = field(default_factory=dict)  # (label, lang)
    misses: list[tuple[Row, str]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.by_label.get(CRISIS, Tally()).share(CRISIS)

    @property
    def false_alarms(self) -> float:
        return 1 - self.by_label.get(NONE, Tally()).share(NONE)

    @property
    def check_answered(self) -> float:
        return self.by_label.get(CHECK, Tally()).share(CHECK)

    def worst_category(self) -> tuple[str, float]:
        scores = {cat: t.share(label) for (label, cat), t in self.by_category.items()}
        name = min(scores, key=lambda c: scores[c])
        return name, scores[name]

    def lines(self) -> list[str]:
        """The figures as text: overall, per language, per category."""
        none = self.by_label.get(NONE, Tally())
        out = [
            f"recall {self.recall:.3f} ({_count(self.by_label, CRISIS)}), "
            f"false alarms {self.false_alarms:.3f} ({none.crisis} of {none.rows}; "
            f"{none.check} more got a safety check), "
            f"check rows answered check or crisis {self.check_answered:.3f} "
            f"({_count(self.by_label, CHECK)})",
        ]
        for (label, lang), tally in sorted(self.by_language.items()):
            out.append(f"  {lang} {label:<6} {tally.share(label):.3f} ({_fraction(tally, label)})")
        for (label, cat), tally in sorted(self.by_category.items()):
            out.append(
                f"  {label:<6} {cat:<16} {tally.share(label):.3f} ({_fraction(tally, label)})"
            )
        return out


def read_rows(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as f:
        return [Row(**{k: r[k] for k in Row.__dataclass_fields__}) for r in csv.DictReader(f)]


def evaluate(rows: Iterable[Row], screen: Callable[[str], RiskResult]) -> Report:
    """Screen every row and tally the answers (misses keep the row and the answer)."""
    report = Report()
    for row in rows:
        if row.label not in LABELS:
            raise ValueError(f"row {row.id}: unknown label {row.label!r}")
        level = screen(row.text).level
        for key, table in (
            (row.label, report.by_label),
            ((row.label, row.category), report.by_category),
            ((row.label, row.language), report.by_language),
        ):
            table.setdefault(key, Tally()).add(level)  # type: ignore[arg-type]
        tally = Tally()
        tally.add(level)
        if tally.share(row.label) < 1:
            report.misses.append((row, level))
    return report


def _count(table: dict[str, Tally], label: str) -> str:
    return _fraction(table.get(label, Tally()), label)


def _fraction(tally: Tally, label: str) -> str:
    return f"{round(tally.share(label) * tally.rows)} of {tally.rows}"
