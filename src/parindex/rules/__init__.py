"""Scoring rule kinds: a tagged union that plugins can extend."""

from parindex.rules.base import GroupEvaluator, Rule, fmt_number, normalise_label
from parindex.rules.choice import Achieved, Level, Levels
from parindex.rules.deduction import PerItemDeduction
from parindex.rules.numeric import (
    Band,
    Bands,
    CappedCount,
    Direct,
    Proportional,
    RelativeToBest,
    SurveyScale,
)

BUILTIN_RULES: tuple[type[Rule], ...] = (
    Direct,
    Achieved,
    Levels,
    Bands,
    Proportional,
    RelativeToBest,
    CappedCount,
    SurveyScale,
    PerItemDeduction,
)

__all__ = [
    "BUILTIN_RULES",
    "Achieved",
    "Band",
    "Bands",
    "CappedCount",
    "Direct",
    "GroupEvaluator",
    "Level",
    "Levels",
    "PerItemDeduction",
    "Proportional",
    "RelativeToBest",
    "Rule",
    "SurveyScale",
    "fmt_number",
    "normalise_label",
]
