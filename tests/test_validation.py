"""Pack validation reports every problem at once, each naming its node."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import attrs
import pytest

import parindex
from parindex.errors import Severity
from parindex.model import (
    ClassCondition,
    DeclaredStructure,
    Node,
    NotApplicable,
    Pack,
    PointsSource,
    UnitGroup,
    YearRange,
)
from parindex.plugins import converter
from parindex.rules import Achieved, Direct
from parindex.serialization import pack_from_document, pack_to_document, pack_to_json

D = Decimal
SELF = PointsSource.SELF_ASSESSMENT


def leaf(code: str, maximum: str = "1", **extra: Any) -> Node:
    return Node(code=code, title=f"Tiêu chí {code}", maximum=D(maximum), rule=Achieved(), **extra)


def small_pack(**changes: Any) -> Pack:
    pack = Pack(
        id="test-small",
        title="small",
        version="1",
        unit_group=UnitGroup.DEPARTMENT,
        years=YearRange(2021, 2022),
        synthetic=True,
        tree=(
            Node(code="1", title="Lĩnh vực 1", source=SELF, children=(leaf("1.1"), leaf("1.2", "2"))),
            Node(code="2", title="Lĩnh vực 2", source=SELF, maximum=D(1), children=(leaf("2.1"),)),
        ),
    )
    return attrs.evolve(pack, **changes)


def errors(pack: Pack) -> set[tuple[str, str]]:
    return {(v.code, v.check) for v in parindex.validate(pack) if v.severity is Severity.ERROR}


def test_a_valid_pack_has_no_errors() -> None:
    assert errors(small_pack()) == set()


def with_field(node: Node) -> Pack:
    return small_pack(tree=(*small_pack().tree, node))


@pytest.mark.parametrize(
    ("pack", "expected"),
    [
        (with_field(Node(code="3", title="x", source=SELF, children=(leaf("3.1"), leaf("3.1")))), ("3.1", "duplicate-code")),
        (with_field(Node(code="3", title="x", source=SELF, children=(leaf("4.1"),))), ("4.1", "misplaced-code")),
        (with_field(Node(code="3", title="x", source=SELF, children=(leaf("3.1.1"),))), ("3.1.1", "misplaced-code")),
        (with_field(Node(code="3 a", title="x", source=SELF, children=(leaf("3 a.1"),))), ("3 a", "malformed-code")),
        (with_field(Node(code="3", title="x", source=SELF, maximum=D(5), children=(leaf("3.1"),))), ("3", "maxima-do-not-add-up")),
        (with_field(Node(code="3", title="x", source=SELF, maximum=D(5), capped=True, children=(leaf("3.1"),))), ("3", "cap-not-below-sum")),
        (with_field(Node(code="3", title="x", children=(leaf("3.1"),))), ("3.1", "missing-source")),
        (with_field(Node(code="3", title="x", source=SELF, children=(Node(code="3.1", title="t", rule=Achieved()),))), ("3.1", "missing-maximum")),
        (with_field(Node(code="3", title="x", source=SELF, children=(Node(code="3.1", title="t", maximum=D(1)),))), ("3.1", "missing-rule")),
        (with_field(Node(code="3", title="x", source=SELF, rule=Direct(), children=(leaf("3.1"),))), ("3", "rule-on-internal-node")),
        (with_field(Node(code="3", title="x", source=SELF, children=(leaf("3.1", "0.00001"),))), ("3.1", "maximum-precision")),
        (with_field(Node(code="3", title="x", source=SELF, children=(leaf("3.1", floor=D(2), ceiling=D(1)),))), ("3.1", "floor-above-ceiling")),
        (with_field(Node(code="3", title="", source=SELF, children=(leaf("3.1"),))), ("3", "missing-title")),
        (small_pack(declared=DeclaredStructure(fields=3)), ("", "declared-structure")),
        (small_pack(declared=DeclaredStructure(maximum={SELF: D(5)})), ("", "declared-maximum")),
        (small_pack(synthetic=False), ("", "legal-basis")),
        (small_pack(stage_policy=("final_round",)), ("", "stage-policy")),
        (small_pack(eligibility=(ClassCondition("A", "9", D(80)),)), ("", "eligibility")),
        (small_pack(years=YearRange(2022, 2020)), ("", "years")),
    ],
)
def test_each_problem_is_named_with_its_node(pack: Pack, expected: tuple[str, str]) -> None:
    assert expected in errors(pack)
    with pytest.raises(parindex.PackError) as info:
        parindex.compile_pack(pack)
    assert expected in {(v.code, v.check) for v in info.value.violations}
    # The message names the node and says what is wrong, without the check's id (jargon).
    rendered = str(info.value)
    assert f"[{expected[0] or 'gói'}]" in rendered and expected[1] not in rendered


def test_every_problem_is_reported_at_once() -> None:
    broken = with_field(
        Node(
            code="3",
            title="",
            maximum=D(9),
            source=SELF,
            children=(leaf("3.1"), Node(code="3.2", title="t", maximum=D(1))),
        )
    )
    found = errors(broken)
    assert {("3", "missing-title"), ("3", "maxima-do-not-add-up"), ("3.2", "missing-rule")} <= found


def test_incomplete_packs_warn_about_declared_counts_instead_of_failing() -> None:
    pack = small_pack(declared=DeclaredStructure(fields=2, criteria=10), gaps=("criteria not found",))
    violations = parindex.validate(pack)
    assert any(v.check == "declared-structure" and v.severity is Severity.WARNING for v in violations)
    parindex.compile_pack(pack)  # still usable at the level it is complete


def test_not_applicable_policy_on_internal_node_is_a_warning() -> None:
    pack = with_field(
        Node(code="3", title="x", source=SELF, not_applicable=NotApplicable.ZERO, children=(leaf("3.1"),))
    )
    assert ("3", "na-on-internal-node") in {(v.code, v.check) for v in parindex.validate(pack)}


def test_document_round_trip_is_exact(commune_pack: Pack) -> None:
    conv = converter()
    document = json.loads(pack_to_json(commune_pack, conv), parse_float=Decimal)
    assert pack_from_document(document, conv) == commune_pack
    assert pack_to_document(commune_pack, conv)["nodes"][0]["code"] == "1"


def test_document_problems_name_node_and_place() -> None:
    conv = converter()
    document = pack_to_document(small_pack(), conv)
    document["nodes"][1]["maximum"] = "một"
    document["nodes"].append({"code": "7.1", "title": "orphan", "maximum": 1, "rule": {"kind": "achieved"}})
    document["nodes"].append({"code": "1.1", "title": "again", "maximum": 1, "rule": {"kind": "achieved"}})
    document["nodes"].append({"code": "2.2", "title": "x", "maximum": 1, "rule": {"kind": "nonexistent"}})
    with pytest.raises(parindex.PackError) as info:
        pack_from_document(document, conv)
    found = {(v.code, v.check, v.location) for v in info.value.violations}
    assert ("1.1", "structure", "nodes[1]") in found
    assert ("7.1", "orphan", "nodes[5]") in found
    assert ("1.1", "duplicate-code", "nodes[6]") in found
    assert any(code == "2.2" and check == "structure" for code, check, _ in found)
