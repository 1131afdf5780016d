"""Headless LibreOffice for the printed-workbook tests: render a workbook to PDF and
count the pages each sheet prints on (from the sheet name parindex puts in the footer).

The binaries are Debian's ``libreoffice-calc-nogui`` (``soffice``) and
``poppler-utils`` (``pdftotext``), installed by ``.ci/libreoffice.sh`` in CI.
Outside CI the tests skip, naming what is missing; in CI (``CI=true``) a missing
program is an error.
"""

from __future__ import annotations

import collections
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SOFFICE_ENV = "PARINDEX_SOFFICE"
#: Two or more spaces separate the footer's centre (page number) and right (sheet name).
_GAP = re.compile(r"\s{2,}")


def _program(env: str, *names: str) -> str:
    found = os.environ.get(env) or next((p for n in names if (p := shutil.which(n))), None)
    if found is None:
        reason = f"{names[0]} is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: .ci/libreoffice.sh should have installed it)")
        pytest.skip(f"{reason}; install with: apt-get install libreoffice-calc-nogui poppler-utils")
    return found


def to_pdf(*workbooks: Path) -> list[Path]:
    """Each workbook printed to PDF by LibreOffice (beside it), in one run."""
    soffice = _program(SOFFICE_ENV, "soffice", "libreoffice")
    folder = workbooks[0].parent
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                *map(str, workbooks),
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
    pdfs = [folder / f"{book.stem}.pdf" for book in workbooks]
    missing = [p.name for p in pdfs if not p.is_file()]
    assert not missing, f"LibreOffice wrote no {missing}"
    return pdfs


def page_texts(pdf: Path) -> list[str]:
    """The text of each page, laid out as printed."""
    pdftotext = _program("PARINDEX_PDFTOTEXT", "pdftotext")
    result = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=120
    )
    pages = result.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pages_by_sheet(pdf: Path) -> dict[str, int]:
    """How many pages each sheet printed on, by the sheet name in each page's footer."""
    counts: collections.Counter[str] = collections.Counter()
    for page in page_texts(pdf):
        footer = [line for line in page.splitlines() if line.strip()][-1]
        counts[_GAP.split(footer.strip())[-1]] += 1
    return dict(counts)
