"""The plain reference scorer: one unit at a time, on ``decimal.Decimal``.

Slow and obvious on purpose. It is what existing scoring software does row by
row, and the property tests require the vectorised scorer to equal it exactly
(not approximately) after the pack's rounding.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext

import attrs

from parindex.compiled import CompiledPack
from parindex.fixedpoint import micro_to_decimal, quantize_decimal, quantize_value
from parindex.inputs import ScoringInput, Unit
from parindex.model import Node, NotApplicable


@attrs.frozen
class ReferenceUnit:
    unit: str
    points: dict[str, Decimal]
    maximum: dict[str, Decimal]
    index: dict[str, Decimal | None]
    grade: dict[str, str | None]
    rank: int | None = None


def _value(
    data: ScoringInput, preference: Sequence[str], row: int, column: int
) -> tuple[str, float]:
    """('value', x), ('na', nan) or ('missing', nan) from the first stage that has an entry."""
    for stage in preference:
        entries = data.stages[stage]
        if entries.not_applicable[row, column]:
            return "na", math.nan
        value = float(entries.values[row, column])
        if not math.isnan(value):
            return "value", value
    return "missing", math.nan


def _adjustment(
    data: ScoringInput, preference: Sequence[str], kind: str, row: int, slot: int
) -> Decimal:
    for stage in preference:
        block = data.stages[stage].bonus if kind == "bonus" else data.stages[stage].deduction
        value = float(block[row, slot])
        if not math.isnan(value):
            return micro_to_decimal(quantize_value(value))
    return Decimal(0)


def reference_score(
    compiled: CompiledPack, data: ScoringInput, preference: Sequence[str] | None = None
) -> list[ReferenceUnit]:
    """Score every unit one by one; ``preference`` defaults to the pack's stage policy."""
    pack = compiled.pack
    if preference is None:
        preference = [s for s in pack.stage_policy if s in data.stages]
    tick = Decimal(1).scaleb(-pack.point_decimals)
    decimals, mode = pack.rounding.decimals, pack.rounding.mode
    leaf_column = compiled.leaf_index
    slots = {code: i for i, code in enumerate(compiled.adjustable_codes)}
    overrides = {(o.unit, o.code): o for o in data.overrides}

    def leaf_input(row: int, node: Node) -> tuple[str, Decimal]:
        unit = data.units[row].id
        if (unit, node.code) in overrides:
            assert node.rule is not None
            raw = node.rule.encode(overrides[(unit, node.code)].value)
            return "value", micro_to_decimal(quantize_value(raw))
        state, value = _value(data, preference, row, leaf_column[node.code])
        return state, micro_to_decimal(quantize_value(value)) if state == "value" else Decimal(0)

    group_best: dict[tuple[str, str], Decimal] = {}
    for row, unit in enumerate(data.units):
        for _, node in _walk(compiled.tree):
            if node.is_leaf and node.rule is not None and node.rule.uses_group_best:
                state, value = leaf_input(row, node)
                if state == "value":
                    key = (unit.group, node.code)
                    group_best[key] = max(group_best.get(key, Decimal(0)), value)

    def bounds(node: Node | None, row: int, raw: Decimal, unit_max: Decimal, code: str) -> Decimal:
        """Cap, bonus, deduction, floor and ceiling of one node (``None`` = the root)."""
        if node is None:
            bonus_cap, deduction_cap, capped, floor, ceiling = (
                pack.total_bonus_cap,
                pack.total_deduction_cap,
                False,
                None,
                None,
            )
            subtree_bonus = (pack.total_bonus_cap or 0) + sum(
                (_subtree_bonus(f) for f in compiled.tree), Decimal(0)
            )
        else:
            bonus_cap, deduction_cap, capped = node.bonus_cap, node.deduction_cap, node.capped
            floor, ceiling = node.floor, node.ceiling
            subtree_bonus = _subtree_bonus(node)
        value = raw
        if capped and node is not None and node.maximum is not None:
            value = min(value, node.maximum)
        if code in slots and (bonus_cap is not None or deduction_cap is not None):
            value += _quantize_ticks(_adjustment(data, preference, "bonus", row, slots[code]), tick)
            value -= _quantize_ticks(
                _adjustment(data, preference, "deduction", row, slots[code]), tick
            )
        low = floor if floor is not None else Decimal(0)
        high = ceiling if ceiling is not None else unit_max + subtree_bonus
        return min(max(value, low), high)

    results = []
    for row, unit in enumerate(data.units):
        points: dict[str, Decimal] = {}
        maxima: dict[str, Decimal] = {}

        def visit(
            node: Node,
            row: int = row,
            unit: Unit = unit,
            points: dict[str, Decimal] = points,
            maxima: dict[str, Decimal] = maxima,
        ) -> tuple[Decimal, Decimal]:
            if node.is_leaf:
                assert node.rule is not None and node.maximum is not None
                state, value = leaf_input(row, node)
                maximum = node.maximum
                if state == "na":
                    policy = node.not_applicable
                    raw = maximum if policy is NotApplicable.FULL_POINTS else Decimal(0)
                    if policy is NotApplicable.EXCLUDED:
                        maximum = Decimal(0)
                elif state == "missing":
                    raw = Decimal(0)
                else:
                    best = group_best.get((unit.group, node.code))
                    with localcontext() as ctx:
                        ctx.prec = 80
                        exact = node.rule.reference_points(value, node.maximum, best)
                    raw = _quantize_ticks(exact, tick)
            else:
                raw, maximum = Decimal(0), Decimal(0)
                for child in node.children:
                    child_points, child_max = visit(child)
                    raw += child_points
                    maximum += child_max
                if node.capped and node.maximum is not None:
                    maximum = min(maximum, node.maximum)
            final = bounds(node, row, raw, maximum, node.code)
            points[node.code], maxima[node.code] = final, maximum
            return final, maximum

        total, total_max = Decimal(0), Decimal(0)
        for field in compiled.tree:
            field_points, field_max = visit(field)
            total += field_points
            total_max += field_max
        points[""] = bounds(None, row, total, total_max, "")
        maxima[""] = total_max
        index = {
            code: (
                quantize_decimal(points[code] * 100 / maxima[code], decimals, mode)
                if maxima[code] != 0
                else None
            )
            for code in points
        }
        grade = {code: _grade(compiled, value) for code, value in index.items()}
        grade[""] = _eligible(compiled, grade[""], index)
        results.append(ReferenceUnit(unit.id, points, maxima, index, grade))
    return _with_ranks(results, [unit.group for unit in data.units])


def _quantize_ticks(value: Decimal, tick: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 80
        return value.quantize(tick, rounding=ROUND_HALF_UP)


def _subtree_bonus(node: Node) -> Decimal:
    own = node.bonus_cap or Decimal(0)
    return own + sum((_subtree_bonus(child) for child in node.children), Decimal(0))


def _walk(tree: Sequence[Node]) -> list[tuple[int, Node]]:
    return [pair for field in tree for pair in field.walk(1)]


def _grade(compiled: CompiledPack, index: Decimal | None) -> str | None:
    if index is None or not compiled.pack.classification.defined:
        return None
    for grade in compiled.pack.classification.grades:
        if grade.minimum is None:
            return grade.label
        if index > grade.minimum or (grade.inclusive and index == grade.minimum):
            return grade.label
    raise AssertionError("the last grade has no minimum")  # pragma: no cover


def _eligible(
    compiled: CompiledPack, grade: str | None, index: dict[str, Decimal | None]
) -> str | None:
    labels = compiled.pack.classification.labels
    for position, label in enumerate(labels):
        if grade != label:
            continue
        for condition in compiled.pack.eligibility:
            value = index.get(condition.code)
            if condition.grade == label and (value is None or value < condition.minimum):
                grade = labels[min(position + 1, len(labels) - 1)]
                break
    return grade


def _with_ranks(units: list[ReferenceUnit], groups: list[str]) -> list[ReferenceUnit]:
    ranked = []
    for position, unit in enumerate(units):
        own = unit.index[""]
        if own is None:
            ranked.append(unit)
            continue
        better = sum(
            1
            for other, group in zip(units, groups, strict=True)
            if group == groups[position] and other.index[""] is not None and other.index[""] > own
        )
        ranked.append(attrs.evolve(unit, rank=better + 1))
    return ranked
