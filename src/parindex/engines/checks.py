"""Located checks of every entry of every stage, before (or instead of) scoring it.

The checks read the entries through the small protocols below, so this package
does not import the input builders (:mod:`parindex.inputs`), which call these
checks themselves: imports keep flowing one way.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Protocol

import numpy as np

from parindex.compiled import CompiledPack
from parindex.errors import InputProblem, Location
from parindex.fixedpoint import (
    VALUE_LIMIT,
    VALUE_SCALE,
    BoolArray,
    FloatArray,
    quantize_values,
)
from parindex.messages import Found, Message, catalogue, current_lang, msg
from parindex.model import NotApplicable


class StageEntries(Protocol):
    """One stage's entries, as :class:`parindex.inputs.StageData` holds them."""

    @property
    def values(self) -> FloatArray: ...
    @property
    def not_applicable(self) -> BoolArray: ...
    @property
    def bonus(self) -> FloatArray: ...
    @property
    def deduction(self) -> FloatArray: ...
    @property
    def locations(self) -> Mapping[tuple[int, str], Location]: ...


class Entries(Protocol):
    """Every stage's entries, as :class:`parindex.inputs.ScoringInput` holds them."""

    @property
    def pack_id(self) -> str: ...
    @property
    def leaf_codes(self) -> tuple[str, ...]: ...
    @property
    def unit_ids(self) -> tuple[str, ...]: ...
    @property
    def stages(self) -> Mapping[str, StageEntries]: ...


def stage_name(stage: str) -> Message | str:
    """A stage as people call it (``self`` is *tự đánh giá*); a pack's own stage by its id."""
    code = f"scoring.stage_{stage}"
    return msg(code) if code in catalogue() else stage


def points(compiled: CompiledPack, ticks: int) -> Decimal:
    """Ticks as points, without trailing zeros (``8``, ``7.5``: as the documents print them)."""
    return Decimal(ticks) / compiled.ticks_per_point


def found(value: float) -> Found:
    """An entered number as the user typed it: ``15``, not ``15.0``."""
    return Found(int(value) if value.is_integer() else value)


def location(stage: StageEntries | None, row: int, code: str) -> Location | None:
    """Where an entry came from (file, sheet, cell), when the reader recorded it."""
    return None if stage is None else stage.locations.get((row, code))


def check_identity(compiled: CompiledPack, data: Entries) -> list[InputProblem]:
    """A problem when ``data`` was built for another pack (or level) than ``compiled``."""
    if data.pack_id != compiled.pack.id or data.leaf_codes != compiled.leaf_codes:
        return [
            InputProblem(
                msg(
                    "scoring.wrong_pack",
                    input_pack=Found(data.pack_id),
                    pack=compiled.pack.id,
                    level=compiled.level,
                )
            )
        ]
    return []


def check_input(compiled: CompiledPack, data: Entries) -> list[InputProblem]:
    """Every problem in the entries of every stage, located."""
    problems = check_identity(compiled, data)
    if problems:
        return problems
    unit_ids = data.unit_ids
    leaf_codes = compiled.leaf_codes
    na_allowed = np.array([p is not NotApplicable.NOT_ALLOWED for p in compiled.leaf_na])
    for stage_id, stage in data.stages.items():
        name = stage_name(stage_id)

        def report(
            mask: BoolArray,
            code: str,
            expected: Message | None = None,
            stage_: StageEntries = stage,
            name_: Message | str = name,
        ) -> None:
            for row, leaf in zip(*np.nonzero(mask), strict=True):
                leaf_code = leaf_codes[leaf]
                value = float(stage_.values[row, leaf])
                problems.append(
                    InputProblem(
                        msg(code, value=found(value), stage=name_),
                        unit_ids[row],
                        leaf_code,
                        location(stage_, int(row), leaf_code),
                        expected if expected is not None else "",
                    )
                )

        given = ~np.isnan(stage.values)
        report(given & stage.not_applicable, "scoring.value_and_not_applicable")
        report(
            stage.not_applicable & ~na_allowed[None, :],
            "scoring.not_applicable_not_allowed",
            msg("scoring.expected_a_value"),
        )
        too_big = given & (np.abs(np.where(given, stage.values, 0)) > VALUE_LIMIT)
        report(
            too_big, "scoring.value_too_large", msg("scoring.expected_smaller", limit=VALUE_LIMIT)
        )
        problems.extend(_check_rules(compiled, unit_ids, stage_id, stage, too_big))
        problems.extend(check_adjustments(compiled, data, stage_id, stage))
    return problems


def _check_rules(
    compiled: CompiledPack,
    unit_ids: tuple[str, ...],
    stage_id: str,
    stage: StageEntries,
    too_big: BoolArray,
) -> list[InputProblem]:
    """Entries their leaf's rule does not accept (out of range, unknown level, …)."""
    problems = []
    leaf_codes = compiled.leaf_codes
    lang = current_lang()
    for group in compiled.groups:
        block = stage.values[:, group.columns]
        present = ~np.isnan(block) & ~too_big[:, group.columns]
        micro = quantize_values(np.where(present, block, 0.0))
        bad = group.evaluator.invalid(micro) & present
        for row, col in zip(*np.nonzero(bad), strict=True):
            leaf = int(group.columns[col])
            # The maximum the scorer uses: at a coarser level than the pack's leaves
            # it is the node's known maximum, which the pack itself may not state.
            maximum = points(compiled, int(compiled.leaf_max[leaf]))
            problems.append(
                InputProblem(
                    msg(
                        "scoring.value_not_accepted",
                        value=found(float(block[row, col])),
                        stage=stage_name(stage_id),
                    ),
                    unit_ids[row],
                    leaf_codes[leaf],
                    location(stage, int(row), leaf_codes[leaf]),
                    compiled.leaf_rules[leaf].expected(maximum, lang),
                )
            )
    return problems


def check_adjustments(
    compiled: CompiledPack, data: Entries, stage_id: str, stage: StageEntries
) -> list[InputProblem]:
    """Bonuses and deductions outside ``[0, cap]`` of their node."""
    problems: list[InputProblem] = []
    per_tick = VALUE_SCALE // compiled.ticks_per_point
    for bounded in compiled.bounded:
        if bounded.slot is None:
            continue
        code = compiled.adjustable_codes[bounded.slot]
        for kind, block, cap in (
            ("scoring.bonus", stage.bonus, bounded.bonus_cap),
            ("scoring.deduction", stage.deduction, bounded.deduction_cap),
        ):
            column = block[:, bounded.slot]
            present = ~np.isnan(column)
            micro = quantize_values(np.where(present, column, 0.0))
            bad = present & (
                (micro < 0) | (micro > cap * per_tick) | (np.abs(column) > VALUE_LIMIT)
            )
            rows = np.nonzero(bad)[0]
            unit_ids = data.unit_ids if rows.size else ()  # a tuple of every unit: only when needed
            for row in rows:
                problems.append(
                    InputProblem(
                        msg(
                            "scoring.adjustment_outside_cap",
                            kind=msg(kind),
                            value=found(float(column[row])),
                            stage=stage_name(stage_id),
                        ),
                        unit_ids[row],
                        code,
                        location(stage, int(row), code),
                        msg(
                            "scoring.expected_between",
                            cap=points(compiled, cap),
                        ),
                    )
                )
    return problems


__all__ = [
    "Entries",
    "StageEntries",
    "check_adjustments",
    "check_identity",
    "check_input",
    "location",
    "stage_name",
]
