"""Developer sessions: tests (both engines), tests_lean (no numba), lint, typecheck, bench."""

import nox

nox.options.sessions = ["tests", "tests_lean", "lint", "typecheck"]
nox.options.default_venv_backend = "venv"


@nox.session
def tests(session: nox.Session) -> None:
    session.install("-e", ".[test,fast]")
    session.run("pytest", *session.posargs, env={"PARINDEX_TEST_ENGINES": "all"})


@nox.session
def tests_lean(session: nox.Session) -> None:
    """The default install, without numba: the kernel's tests skip."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff>=0.5")
    session.run("ruff", "check", "src", "benchmarks")
    session.run("ruff", "format", "--check", "src", "benchmarks")


@nox.session
def typecheck(session: nox.Session) -> None:
    session.install("-e", ".[test,fast]", "mypy>=1.10", "types-openpyxl", "pandas-stubs")
    session.run("mypy", "--strict", "src/parindex")


@nox.session
def bench(session: nox.Session) -> None:
    session.install("-e", ".[pandas,fast]")  # both engines are timed
    session.run("python", "-m", "benchmarks.run", *session.posargs)
