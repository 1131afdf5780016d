"""Plugins: built-in packs come through the same entry points as third-party ones."""

from __future__ import annotations

import inspect
import re
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

import attrs
import pytest

import parindex
from parindex.plugins import HookSpecs, PackRegistry, Plugins, RuleRegistry, hookimpl
from parindex.rules import GroupEvaluator, Rule

DOCS = Path(__file__).parent.parent / "docs"


def test_builtin_packs_are_discovered_through_entry_points() -> None:
    plugins = Plugins()
    assert {"bnv-province-1150-2019", "synthetic-commune"} <= set(plugins.pack_ids())
    assert plugins.origin("bnv-province-1150-2019").startswith("bnv-province:")


def test_blocking_plugins_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARINDEX_BLOCK_PLUGINS", "synthetic-commune")
    plugins = Plugins()
    assert "synthetic-commune" not in plugins.pack_ids()
    assert "bnv-province-1150-2019" in plugins.pack_ids()
    monkeypatch.setenv("PARINDEX_BLOCK_PLUGINS", "*")
    assert Plugins().pack_ids() == []


def test_unknown_pack_error_lists_installed_ones() -> None:
    with pytest.raises(parindex.ParIndexError) as caught:
        Plugins().pack("bnv-province-9999")
    assert caught.value.code == "plugins.no_such_pack"
    assert caught.value.render("vi").startswith("chưa cài gói tiêu chí “bnv-province-9999” (các gói")
    assert "bnv-province-1150-2019" in caught.value.render("en")


@attrs.frozen
class Doubled(Rule):
    """A province-specific rule kind: twice the entered points, at most the maximum."""

    kind: ClassVar[str] = "doubled"

    def parameter_problems(self, maximum: Decimal) -> list[str]:
        return []

    def describe(self, maximum: Decimal, lang: str = "vi") -> str:
        return "gấp đôi"

    def expected(self, maximum: Decimal, lang: str = "en") -> str:
        return "points"

    def accepts(self, value: Decimal, maximum: Decimal) -> bool:
        return 0 <= value <= maximum

    def reference_points(self, value: Decimal, maximum: Decimal, best: Decimal | None) -> Decimal:
        return min(2 * value, maximum)

    @classmethod
    def evaluator(cls, rules, maxima, ticks_per_point):  # type: ignore[no-untyped-def]
        import numpy as np

        class _Eval(GroupEvaluator):
            def invalid(self, micro):  # type: ignore[no-untyped-def]
                return (micro < 0) | (micro > maxima * (10**6 // ticks_per_point))

            def points(self, micro, best):  # type: ignore[no-untyped-def]
                return np.minimum(2 * micro // (10**6 // ticks_per_point), maxima)

        return _Eval()


PACK_TOML = """
id = "province-x-2025"
title = "Bộ chỉ số thử nghiệm"
version = "1"
unit_group = "department"
years = { first = 2025 }
synthetic = true
[[nodes]]
code = "1"
title = "Lĩnh vực 1"
source = "self_assessment"
[[nodes]]
code = "1.1"
title = "Tiêu chí"
maximum = 2
rule = { kind = "doubled" }
"""


class ProvincePlugin:
    def __init__(self, path: Path) -> None:
        self.path = path

    @hookimpl
    def parindex_register_rules(self, registry: RuleRegistry) -> None:
        registry.add(Doubled)

    @hookimpl
    def parindex_register_packs(self, registry: PackRegistry) -> None:
        registry.add_file(self.path)


def test_a_plugin_adds_a_rule_kind_and_a_pack_using_it(tmp_path: Path) -> None:
    path = tmp_path / "province-x-2025.toml"
    path.write_text(PACK_TOML, encoding="utf-8")
    plugins = Plugins(load_entry_points=False, extra=(ProvincePlugin(path),))
    pack = plugins.pack("province-x-2025")
    assert isinstance(pack.node("1.1").rule, Doubled)
    compiled = parindex.compile_pack(pack)
    results = parindex.score(compiled, parindex.from_mappings(compiled, {"u": {"1.1": "0.75"}}))
    assert results.points("u") == Decimal("1.5")


def test_duplicate_pack_ids_name_both_origins(tmp_path: Path) -> None:
    path = tmp_path / "province-x-2025.toml"
    path.write_text(PACK_TOML, encoding="utf-8")
    with pytest.raises(parindex.ParIndexError) as caught:
        Plugins(load_entry_points=False, extra=(ProvincePlugin(path), ProvincePlugin(path)))
    assert caught.value.code == "plugins.pack_twice"
    assert "được đăng ký hai lần" in caught.value.render("vi")
    assert caught.value.render("en").count("province-x-2025.toml") == 2


def test_a_misspelt_hook_is_caught() -> None:
    class Misspelt:
        @hookimpl
        def parindex_register_pack(self, registry: PackRegistry) -> None:  # missing "s"
            pass

    with pytest.raises(Exception, match="parindex_register_pack"):
        Plugins(load_entry_points=False, extra=(Misspelt(),))


def test_every_hook_is_documented_with_its_exact_signature() -> None:
    text = (DOCS / "plugins.md").read_text(encoding="utf-8")
    for name, function in inspect.getmembers(HookSpecs, inspect.isfunction):
        if not name.startswith("parindex_"):
            continue
        parameters = [p for p in inspect.signature(function).parameters if p != "self"]
        signature = f"{name}({', '.join(parameters)})"
        assert re.search(re.escape(signature), text), f"docs/plugins.md lacks {signature}"
