"""Sheet-extent benchmark: what the scan before every workbook read costs.

Before calamine builds a sheet (or opens an .ods/.xls file, whose sheets it
builds at once), :mod:`parindex.io.sheet_extent` finds the sheet's last row and
column from the file itself. This times that scan against what the reader does
next anyway, calamine building the sheet and handing its rows to Python
(``get_sheet_by_name`` + ``to_python``, as :func:`parindex.io.xlsx_input._rows`
does), on SYNTHETIC sheets of 10⁶ cells:

- ``xlsx 10⁴ × 100`` and ``xlsx 10⁶ × 1``: numbers, written by openpyxl
  (``<c r="A1" t="n"><v>…</v></c>``, deflated), the fast scan;
- ``xlsx without r 10⁴ × 100``: the same cells without ``r`` references (placed by
  order), which the scan walks element by element;
- ``ods 10⁴ × 100``: the same numbers in an OpenDocument file;
- ``xls 65,536 × 16``: a LibreOffice .xls (when ``soffice`` is installed; the
  format holds at most 65,536 rows).

Times are medians of three runs after a warm-up (wall clock, one core).
Run: ``flock /tmp/parindex-bench.lock python benchmarks/sheet_extent.py``; files
are generated once into ``benchmarks/.data/``. Prints a markdown table.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import python_calamine

from benchmarks.run import _timed
from parindex.io.sheet_extent import sheet_extent

DATA = Path(__file__).resolve().parent / ".data"
SHEET = "Sheet1"
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _xlsx(path: Path, rows: int, columns: int) -> Path:
    if not path.exists():
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(SHEET)
        for row in range(rows):
            sheet.append([row * columns + column + 0.25 for column in range(columns)])
        partial = path.with_suffix(".part.xlsx")
        book.save(partial)
        partial.rename(path)
    return path


def _without_references(source: Path, path: Path) -> Path:
    """``source`` with every ``r`` attribute of its rows and cells removed."""
    if not path.exists():
        with zipfile.ZipFile(source) as archive:
            parts = {info: archive.read(info.filename) for info in archive.infolist()}
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for info, data in parts.items():
                if info.filename.startswith("xl/worksheets/"):
                    written = re.sub(rb'<(c|row) r="[A-Z0-9]+"', rb"<\1", data)
                else:
                    written = data
                archive.writestr(info.filename, written)
    return path


def _ods(path: Path, rows: int, columns: int) -> Path:
    if not path.exists():
        cells = (
            '<table:table-cell office:value-type="float" office:value="{0}"><text:p>{0}</text:p>'
            "</table:table-cell>"
        )
        body = "".join(
            "<table:table-row>"
            + "".join(cells.format(row * columns + column + 0.25) for column in range(columns))
            + "</table:table-row>"
            for row in range(rows)
        )
        content = (
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
            f'<office:body><office:spreadsheet><table:table table:name="{SHEET}">{body}'
            "</table:table></office:spreadsheet></office:body></office:document-content>"
        )
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            archive.writestr("META-INF/manifest.xml", MANIFEST)
            archive.writestr("content.xml", content)
    return path


def _xls(path: Path) -> Path | None:
    """65,536 × 16 numbers converted to .xls by LibreOffice (None without ``soffice``)."""
    if path.exists():
        return path
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    source = _xlsx(DATA / "extent-65536x16.xlsx", 65_536, 16)
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [soffice, "--headless", "--convert-to", "xls", "--outdir", folder, str(source)],
            check=True,
            capture_output=True,
            timeout=600,
        )
        shutil.move(Path(folder) / f"{source.stem}.xls", path)
    return path


def _built(path: Path) -> Callable[[], Any]:
    """What the reader does after the scan: calamine opens the file, builds the sheet and
    hands its rows to Python."""

    def build() -> int:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        try:
            return len(book.get_sheet_by_name(SHEET).to_python(skip_empty_area=False))
        finally:
            book.close()

    return build


def main() -> None:
    DATA.mkdir(exist_ok=True)
    wide = _xlsx(DATA / "extent-10000x100.xlsx", 10_000, 100)
    cases: list[tuple[str, Path | None]] = [
        ("xlsx 10⁴ × 100", wide),
        ("xlsx 10⁶ × 1", _xlsx(DATA / "extent-1000000x1.xlsx", 1_000_000, 1)),
        ("xlsx without r 10⁴ × 100", _without_references(wide, DATA / "extent-no-r.xlsx")),
        ("ods 10⁴ × 100", _ods(DATA / "extent-10000x100.ods", 10_000, 100)),
        ("xls 65,536 × 16", _xls(DATA / "extent-65536x16.xls")),
    ]
    lines = [
        "| sheet | cells | file MB | scan s | calamine builds s | scan / build |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, path in cases:
        if path is None:
            lines.append(f"| {name} | | | (no soffice) | | |")
            continue
        extent = sheet_extent(path, SHEET)
        assert extent is not None, name
        scan_s = _timed(lambda path=path: sheet_extent(path, SHEET), 3)[0]
        build_s = _timed(_built(path), 3)[0]
        size = path.stat().st_size / 1e6
        cells = extent[0] * extent[1]
        lines.append(
            f"| {name} | {cells:,} | {size:.1f} | {scan_s:.3f} | {build_s:.3f} "
            f"| {scan_s / build_s:.0%} |"
        )
        print(lines[-1], flush=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
