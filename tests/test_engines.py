"""The engines package: imports that flow one way, and located, catalogued input checks."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from engine_support import ENGINES

import parindex
from parindex.compiled import CompiledPack
from parindex.errors import InputError
from parindex.inputs import from_array
from parindex.io import read_input
from parindex.messages import use_lang

SRC = Path(__file__).parents[1] / "src"
PACKAGE = SRC / "parindex"
#: Circles being removed by other work (none left: keep it that way).
KNOWN_CIRCLES: set[frozenset[str]] = set()
#: What the engines must never import: everything downstream of them.
DOWNSTREAM = (
    "parindex.scoring",
    "parindex.inputs",
    "parindex.results",
    "parindex.io",
    "parindex.cli",
    "parindex.analysis",
    "parindex.report",
    "parindex.history",
)


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    """Nodes inside ``if TYPE_CHECKING:`` blocks: never executed, so no import edge."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for inner in ast.walk(node))
    return skipped


def _imported(module: str, path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """Every parindex module ``module`` imports, at the top or inside a function.

    ``from parindex.a import b`` imports ``parindex.a.b`` when that is a module,
    else ``parindex.a``; importing a subpackage's module also runs the
    subpackage's ``__init__`` (but not the top package's, which imports the API,
    nor ``module``'s own packages, which always run before it).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_nodes(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: list[str] = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            names += [f"{base}.{alias.name}" for alias in node.names] + [base]
    own = {module.rsplit(".", depth)[0] for depth in range(module.count(".") + 1)}
    for name in names:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        while name.count(".") >= 1 and name not in own:
            yield name
            name = name.rpartition(".")[0]


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {module: set(_imported(module, path, modules)) for module, path in modules.items()}


def _circles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_check_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [frozenset({"a", "b", "c"})]


def test_no_module_imports_itself_back_through_others() -> None:
    graph = _graph()
    assert {"parindex.scoring", "parindex.engines.checks"} <= set(graph)  # the graph is read
    new = [sorted(circle) for circle in _circles(graph) if circle not in KNOWN_CIRCLES]
    assert new == []


def test_engines_import_nothing_downstream() -> None:
    graph = _graph()
    engines = [module for module in graph if module.startswith("parindex.engines")]
    assert "parindex.engines.kernel.adapter" in engines
    wrong = {
        module: sorted(t for t in graph[module] if t.startswith(DOWNSTREAM))
        for module in engines
        if any(t.startswith(DOWNSTREAM) for t in graph[module])
    }
    assert wrong == {}


def test_importing_scoring_imports_no_numba() -> None:
    import subprocess
    import sys

    code = "import sys, parindex; parindex.score; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.fixture(scope="module")
def commune_fields() -> CompiledPack:
    """The commune pack scored at field level: its fields state no maximum of their own."""
    compiled = parindex.compile_pack(parindex.get_pack("synthetic-commune"), level=1)
    assert compiled.pack.node("1").maximum is None  # the case that used to crash
    return compiled


@pytest.mark.parametrize("entered", [15, -1])
def test_an_out_of_range_value_at_a_coarser_level_is_a_located_message(
    commune_fields: CompiledPack, entered: int, tmp_path: Path
) -> None:
    rows = [f"X,{code},{entered if code == '1' else 1}" for code in commune_fields.leaf_codes]
    path = tmp_path / "xa.csv"
    path.write_text("unit,code,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        parindex.score(commune_fields, read_input(commune_fields, path))
    (problem,) = caught.value.problems
    assert problem.message.code == "scoring.value_not_accepted"  # type: ignore[union-attr]
    assert (problem.unit, problem.code) == ("X", "1")
    assert str(problem) == (
        f"xa.csv, ô C2; đơn vị “X”; tiêu chí 1: giá trị {entered} không hợp lệ ở bước "
        "tự đánh giá (cần: số điểm từ 0 đến 8)"
    )


def test_input_checks_speak_the_users_language(commune: CompiledPack) -> None:
    values = np.full((1, commune.n_leaves), 1.0)
    values[0, 0] = 2e9
    na = np.zeros(values.shape, dtype=bool)
    na[0, 1] = True
    with pytest.raises(InputError) as caught:
        parindex.score(commune, from_array(commune, ["X"], values, not_applicable=na))
    codes = [problem.message.code for problem in caught.value.problems]  # type: ignore[union-attr]
    assert codes == [
        "scoring.value_and_not_applicable",
        "scoring.not_applicable_not_allowed",
        "scoring.value_too_large",
    ]
    first, _, second = caught.value.problems
    assert "vừa có giá trị 1 vừa đánh dấu “không phát sinh” ở bước tự đánh giá" in str(first)
    assert "giá trị 2000000000 ở bước tự đánh giá vượt quá giới hạn" in str(second)
    with use_lang("en"):
        assert "value 2000000000 at stage self-assessment is beyond ±1,000,000,000" in str(second)
        assert "(expected a number between −1000000000 and 1000000000)" in str(second)


WITHOUT_NUMBA = """
import sys, warnings
sys.modules["numba"] = None  # as if parindex[fast] were not installed
warnings.simplefilter("error")
import parindex
from parindex.engines.choice import KERNEL_MIN_ENTRIES, kernel_available
from parindex.messages import use_lang
compiled = parindex.compile_pack(parindex.get_pack("synthetic-commune"))
units = KERNEL_MIN_ENTRIES // compiled.n_leaves + 1  # big enough for the kernel under auto
data = parindex.synthetic.synthetic_input(compiled, units)
print(kernel_available(), parindex.score(compiled, data).final.points.sum())
print(parindex.score(compiled, data, engine="numpy").final.points.sum())
try:
    with use_lang("en"):
        parindex.score(compiled, data, engine="kernel")
except ImportError as error:
    print(error)
"""


def test_without_numba_auto_scores_with_numpy_and_kernel_says_what_to_install() -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", WITHOUT_NUMBA], capture_output=True, text=True, check=True
    )
    auto, numpy_engine, refused = out.stdout.splitlines()
    available, auto_sum = auto.split()
    assert available == "False"
    assert auto_sum == numpy_engine  # auto scored (with numpy), and warned of nothing
    assert refused == "engine=\"kernel\" needs numba: pip install 'parindex[fast]'"


@pytest.mark.parametrize("engine", ENGINES)
def test_a_value_marked_not_applicable_is_refused_even_when_nothing_is_missing(
    commune: CompiledPack, engine: str
) -> None:
    # Every entry holds a value; one is also marked "không phát sinh". The numpy
    # engine's screen used to look at the marks only in blocks with a missing entry.
    values = np.full((2, commune.n_leaves), 1.0)
    na = np.zeros(values.shape, dtype=bool)
    na[0, 3] = True
    data = from_array(commune, ["A", "B"], values, not_applicable=na)
    with pytest.raises(InputError) as caught:
        parindex.score(commune, data, engine=engine)
    codes = {problem.message.code for problem in caught.value.problems}  # type: ignore[union-attr]
    assert "scoring.value_and_not_applicable" in codes


def test_threads_scoring_at_once_get_the_results_of_scoring_alone(commune: CompiledPack) -> None:
    # The numpy engine reuses its block buffers from call to call, one set per thread.
    from concurrent.futures import ThreadPoolExecutor

    inputs = [parindex.synthetic.synthetic_input(commune, 300 + 50 * i, seed=i) for i in range(6)]
    alone = [parindex.score(commune, data, engine="numpy").final for data in inputs]
    with ThreadPoolExecutor(max_workers=3) as pool:
        together = list(pool.map(lambda d: parindex.score(commune, d, engine="numpy").final, inputs * 3))
    for expected, got in zip(alone * 3, together, strict=True):
        for name in ("points", "index", "grade", "rank"):
            assert np.array_equal(getattr(expected, name), getattr(got, name)), name
