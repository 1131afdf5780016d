"""Scoring rule kinds: a tagged union that plugins can extend."""

from parindex.rules.base import GroupEvaluator, Rule, fmt_number, normalise_label
from parindex.rules.choice import ACHIEVED_WORDS, NOT_ACHIEVED_WORDS, Achieved, Level, Levels
from parindex.rules.deduction import PerItemDeduction
from parindex.rules.numeric import (
    Band,
    Bands,
    CappedCount,
    Direct,
    Interval,
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
    "ACHIEVED_WORDS",
    "BUILTIN_RULES",
    "NOT_ACHIEVED_WORDS",
    "Achieved",
    "Band",
    "Bands",
    "CappedCount",
    "Direct",
    "GroupEvaluator",
    "Interval",
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
