"""Developer sessions: tests, lint, typecheck, bench."""

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.default_venv_backend = "venv"


@nox.session
def tests(session: nox.Session) -> None:
    session.install("-e", ".[test,pandas]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff>=0.5")
    session.run("ruff", "check", "src", "benchmarks")
    session.run("ruff", "format", "--check", "src", "benchmarks")


@nox.session
def typecheck(session: nox.Session) -> None:
    session.install("-e", ".[test]", "mypy>=1.10", "types-openpyxl", "pandas-stubs")
    session.run("mypy", "--strict", "src/parindex")


@nox.session
def bench(session: nox.Session) -> None:
    session.install("-e", ".[pandas]")
    session.run("python", "-m", "benchmarks.run", *session.posargs)
