"""Every example in README.md and docs/ runs as written, and shows what it prints.

The collector reads each Markdown file's fenced blocks, top to bottom:

- ``python``: executed; the blocks of one file share their names, as a reader
  runs them one after another. A ``text`` block right after it is the
  expected output (what the block prints).
- ``pycon``: a Python session (``>>>`` lines and the values they show), run
  with :mod:`doctest` in the same names.
- ``sh``/``bash``/``shell``: each command must succeed (exit 0).
- ``console``: a terminal session: ``$ command`` lines, each followed by the
  output it prints (stdout and stderr together, as a terminal shows them).
  A line ``...`` (or ``…``) in the output stands for any number of lines,
  ``...`` inside a line for any text (timings, versions).

Commands run as from the root of a clone (``docs/``, ``tests/``, ``packs/``,
``benchmarks/`` are reachable), in a scratch folder that receives every file
they write. ``parindex …`` commands without shell syntax run in-process
(fast); anything else runs with bash. A block preceded by the comment
``<!-- docs-test: skip REASON -->`` is not run and is reported as skipped with
its reason: keep those rare (long benchmarks, installing into the
environment). Untagged blocks that look like commands are refused, so that no
example escapes the collector by losing its tag.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from parindex.cli import main

ROOT = Path(__file__).parents[1]
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
#: What the scratch folder links to, so that examples run as from a clone's root.
LINKED = ("docs", "tests", "packs", "benchmarks", "README.md")
SKIP = re.compile(r"<!--\s*docs-test:\s*skip\s+(?P<reason>.+?)\s*-->")
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>```+)\s*(?P<info>[\w+-]*)")
SHELL_SYNTAX = re.compile(r"[|<>;&`$*?(){}\[\]]|~")
RUNNABLE = {"python", "pycon", "sh", "bash", "shell", "console"}


@attrs.frozen
class Block:
    path: Path
    line: int
    lang: str
    text: str
    skip: str | None

    @property
    def where(self) -> str:
        name = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{name}:{self.line}"


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of a Markdown file, with the line each starts on."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if match is None:
            index += 1
            continue
        fence, indent = match["fence"], len(match["indent"])
        end = index + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            end += 1
        body = "\n".join(line[indent:] for line in lines[index + 1 : end])
        skip = SKIP.search(lines[index - 1]) if index else None
        found.append(
            Block(path, index + 1, match["info"].lower(), body, skip["reason"] if skip else None)
        )
        index = end + 1
    return found


@contextlib.contextmanager
def scratch(tmp_path: Path) -> Iterator[Path]:
    """A folder that looks like a clone's root but keeps every written file."""
    for name in LINKED:
        (tmp_path / name).symlink_to(ROOT / name)
    old = Path.cwd()
    os.chdir(tmp_path)
    sys.path.insert(0, str(tmp_path))
    try:
        yield tmp_path
    finally:
        sys.path.remove(str(tmp_path))
        os.chdir(old)


def run_command(command: str) -> tuple[int, str]:
    """Exit status and output (stdout and stderr as one stream) of a shell command."""
    words = shlex.split(command, comments=True)
    if words and words[0] == "parindex" and not SHELL_SYNTAX.search(command.partition("#")[0]):
        stream = io.StringIO()
        with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
            try:
                status = main(words[1:])
            except SystemExit as exited:  # --help, --version, usage errors
                status = exited.code if isinstance(exited.code, int) else 1
        return status, stream.getvalue()
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-c", command], capture_output=False, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, env=env, timeout=600,
    )  # fmt: skip
    return done.returncode, done.stdout


def commands(text: str, prompt: str = "") -> list[tuple[str, list[str]]]:
    """(command, shown output lines) pairs; continuation lines end with a backslash."""
    pairs: list[tuple[str, list[str]]] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if prompt and not line.startswith(prompt):
            if not pairs:
                raise AssertionError(f"output before the first {prompt!r} command: {line!r}")
            pairs[-1][1].append(line)
            index += 1
            continue
        command = line[len(prompt) :]
        while command.endswith("\\") and index + 1 < len(lines):
            index += 1
            command = command[:-1].rstrip() + " " + lines[index].strip()
        if command.strip() and not command.lstrip().startswith("#"):
            pairs.append((command, []))
        index += 1
    return pairs


def matches(shown: list[str], printed: list[str]) -> bool:
    """``printed`` is what ``shown`` shows, a ``...`` line standing for any lines."""
    if not shown:
        return not printed
    if shown[0].strip() in ("...", "…"):
        return any(matches(shown[1:], printed[i:]) for i in range(len(printed) + 1))
    return bool(printed) and same_line(shown[0], printed[0]) and matches(shown[1:], printed[1:])


def same_line(shown: str, printed: str) -> bool:
    """Equal but for trailing spaces; ``...`` inside a shown line stands for any text."""
    if "..." not in shown:
        return shown.rstrip() == printed.rstrip()
    pattern = ".*".join(re.escape(part) for part in shown.rstrip().split("..."))
    return re.fullmatch(pattern, printed.rstrip()) is not None


#: ``$ command  # exit 2``: the doc shows a command that fails on purpose.
EXIT = re.compile(r"#\s*exit\s+(?P<status>\d+)\s*$")


def check_console(block: Block) -> None:
    for command, shown in commands(block.text, prompt="$ "):
        status, output = run_command(command)
        printed = output.rstrip("\n").split("\n") if output.strip() else []
        expected = EXIT.search(command)
        wanted = int(expected["status"]) if expected else 0
        assert status == wanted, f"{block.where}: `{command}` exited {status}:\n{output}"
        if shown and not matches(shown, printed):
            raise AssertionError(
                f"{block.where}: `{command}` printed\n{output}\n--- but the doc shows\n"
                + "\n".join(shown)
            )


def check_shell(block: Block) -> None:
    for command, _ in commands(block.text):
        status, output = run_command(command)
        assert status == 0, f"{block.where}: `{command}` exited {status}:\n{output}"


def check_python(block: Block, names: dict[str, object], shown: Block | None) -> None:
    stream = io.StringIO()
    with contextlib.redirect_stdout(stream):
        exec(compile(block.text, block.where, "exec"), names)  # noqa: S102 - the doc's own code
    if shown is not None:
        expected = shown.text.rstrip("\n").split("\n")
        printed = stream.getvalue().rstrip("\n").split("\n")
        assert matches(expected, printed), (
            f"{block.where} printed\n{stream.getvalue()}\n--- but {shown.where} shows\n{shown.text}"
        )


def check_pycon(block: Block, names: dict[str, object]) -> None:
    test = doctest.DocTestParser().get_doctest(block.text, names, block.where, str(block.path), block.line)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report = io.StringIO()
    result = runner.run(test, out=report.write, clear_globs=False)
    assert result.failed == 0, report.getvalue()


def runnable(path: Path) -> list[Block]:
    return [block for block in blocks(path) if block.lang in RUNNABLE]


def run_document(path: Path, folder: Path) -> None:
    """Run every runnable block of ``path`` in order, in ``folder``; AssertionError on a mismatch."""
    all_blocks = blocks(path)
    names: dict[str, object] = {"__name__": "__doc_example__", "__file__": str(folder / "example.py")}
    with scratch(folder):
        for position, block in enumerate(all_blocks):
            if block.skip is not None or block.lang not in RUNNABLE:
                continue
            if block.lang == "python":
                following = all_blocks[position + 1] if position + 1 < len(all_blocks) else None
                shown = following if following is not None and following.lang == "text" else None
                check_python(block, names, shown)
            elif block.lang == "pycon":
                check_pycon(block, names)
            elif block.lang == "console":
                check_console(block)
            else:
                check_shell(block)


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARINDEX_LANG", raising=False)
    monkeypatch.delenv("PARINDEX_HISTORY", raising=False)
    monkeypatch.setenv("PYTHONUNBUFFERED", "1")


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_run_as_written(path: Path, tmp_path: Path) -> None:
    run_document(path, tmp_path)


def _skipped() -> list[Block]:
    return [block for path in DOCS for block in runnable(path) if block.skip is not None]


@pytest.mark.parametrize("block", _skipped(), ids=lambda b: b.where)
def test_examples_marked_not_to_run(block: Block) -> None:
    pytest.skip(f"{block.where}: not run by the docs test: {block.skip}")


def test_few_examples_are_marked_not_to_run() -> None:
    total = sum(len(runnable(path)) for path in DOCS)
    assert len(_skipped()) <= max(3, total // 5), [block.where for block in _skipped()]


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_command_example_hides_in_an_untagged_block(path: Path) -> None:
    untagged = [
        block.where
        for block in blocks(path)
        if block.lang == ""
        and block.text.lstrip().startswith(("parindex ", "$ ", "python ", "nox ", "pip "))
    ]
    assert untagged == [], "tag these blocks console, sh or python so that they run"


def test_the_collector_reads_outputs_and_wildcards() -> None:
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "..."], ["a"])
    assert not matches(["a", "d"], ["a", "b", "d"])
    assert matches(["scored in ... ms"], ["scored in 12,5 ms"])
    assert not matches(["scored in ... ms"], ["scored in 12,5 s"])
    assert commands("$ parindex x \\\n    --y\nout 1\n$ parindex z", prompt="$ ") == [
        ("parindex x --y", ["out 1"]),
        ("parindex z", []),
    ]


SAMPLE = """
```python
total = 2 + 3
print(f"total {total}")
```
```text
total 5
```
```pycon
>>> total * 2
10
```
```console
$ parindex --version
parindex ...
...
$ parindex show khong-co-goi --lang en  # exit 2
parindex: error: no pack “khong-co-goi” is installed (installed: ...)
```
<!-- docs-test: skip shows a command that cannot run here -->
```sh
false
```
"""


def test_the_collector_runs_a_sample_document(tmp_path: Path) -> None:
    doc = tmp_path / "sample.md"
    doc.write_text(SAMPLE, encoding="utf-8")
    assert [(b.lang, b.skip) for b in blocks(doc)] == [
        ("python", None), ("text", None), ("pycon", None), ("console", None),
        ("sh", "shows a command that cannot run here"),
    ]
    folder = tmp_path / "run"
    folder.mkdir()
    run_document(doc, folder)
    for wrong, right in (("total 5", "total 6"), ("10\n", "11\n"), ("# exit 2", "")):
        doc.write_text(SAMPLE.replace(wrong, right, 1), encoding="utf-8")
        again = tmp_path / f"run-{len(list(tmp_path.iterdir()))}"
        again.mkdir()
        with pytest.raises(AssertionError):
            run_document(doc, again)
