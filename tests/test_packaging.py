"""The distribution as users get it: a built wheel, installed (not editable) in a fresh venv.

Works offline: the wheel is built with hatchling (a test dependency) and installed
with ``--no-deps``; the new environment reads the dependencies already installed
here through a ``.pth`` line (plain paths: this environment's own ``.pth`` files,
among them the editable install of parindex, are not run there).
"""

from __future__ import annotations

import email.parser
import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def _run(*command: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, cwd=cwd, check=False
    )
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "hatchling", "build", "-d", out, cwd=ROOT)
    return out


def test_wheel_and_sdist_carry_the_license_and_the_metadata(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "parindex/py.typed" in names
    fields = email.parser.BytesParser().parsebytes(metadata)
    assert fields["License-Expression"] == "MIT"
    classifiers = fields.get_all("Classifier")
    for wanted in (
        "Natural Language :: Vietnamese",
        "Operating System :: OS Independent",
        "Programming Language :: Python :: 3.11",
        "Typing :: Typed",
    ):
        assert wanted in classifiers
    assert any(c.startswith("Topic :: ") for c in classifiers)
    requires = fields.get_all("Requires-Dist")
    assert not any(r.startswith("numba") and "extra" not in r for r in requires)  # lean
    assert "numba>=0.59; extra == 'fast'" in requires
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        members = {Path(name).relative_to(Path(name).parts[0]) for name in archive.getnames()}
    assert {Path("LICENSE"), Path(".ci/run"), Path("src/parindex/py.typed")} <= members


@pytest.mark.slow
def test_the_wheel_installed_in_a_fresh_venv_runs(dist: Path, tmp_path: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    env = tmp_path / "env"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    pip = (sys.executable, "-m", "pip", "--python", python, "--disable-pip-version-check")
    _run(*pip, "install", "--quiet", "--no-deps", "--no-index", wheel)
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").strip())
    here = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "_dependencies.pth").write_text("\n".join(sorted(here)) + "\n", encoding="utf-8")

    where = _run(
        python,
        "-c",
        "import importlib.metadata as m, parindex; "
        "print(parindex.__file__); print(m.distribution('parindex').locate_file(''))",
    ).split()
    assert all(Path(path).is_relative_to(env) for path in where), where  # not the editable one

    parindex = env / "bin" / "parindex"
    version = _run(parindex, "--version").splitlines()
    assert version[0] == "parindex 0.1.0"
    packs = _run(parindex, "packs")
    assert "bnv-province-1150-2019" in packs and "synthetic-commune" in packs
    demo = _run(parindex, "demo", "--communes", "200")
    assert demo.startswith("DỮ LIỆU MÔ PHỎNG / SYNTHETIC DATA")
    assert "bnv-province-1150-2019 · 63 đơn vị" in demo
    assert "synthetic-commune · 200 đơn vị" in demo
    assert _run(python, "-m", "parindex", "packs") == packs
