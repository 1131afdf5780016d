"""The writer layer for printed sheets: formula-safe cells, page setup, header and signature.

Every cell parindex writes from data goes through :func:`put`: text is always
stored as text, so a unit name such as ``=HYPERLINK(...)`` can never become a
live formula, and text that a spreadsheet would read as a formula when edited
(beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, as
OWASP's CSV-injection guidance lists) carries Excel's quote prefix. The only
formulas in parindex workbooks are the drop-down list references of the
entry template's data validations, which parindex writes on purpose.

Printed sheets are A4, fit to one page wide, with repeated title rows, frozen
panes and page numbers in the footer; the header block names the issuing body,
the title with the year, the criteria set and its legal basis, and any notices;
the signature block closes the ranking.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from parindex.document import Heading, issuer_lines, national_motto
from parindex.io.cells import column_letter
from parindex.messages import text

#: Text beginning with one of these is a formula to a spreadsheet (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="999999")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
#: Points per line of 11-point text: rows of wrapped text are made this much taller per line.
LINE_HEIGHT = 14.5


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_START)


def number_format(decimals: int) -> str:
    """``#,##0.00`` for two decimals: the reader's spreadsheet shows its own separators."""
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def put(
    sheet: Worksheet,
    row: int,
    column: int,
    value: Any,
    *,
    number: str | None = None,
    font: Font | None = None,
    align: Alignment | None = None,
) -> Cell:
    """Write one cell: text always as text (never a formula), numbers with ``number``.

    Characters no workbook can hold (control characters; the readers refuse
    them in names and notes, but a library caller may pass them) are written
    as U+FFFD rather than failing the whole write.
    """
    cell = writable_cell(sheet, row, column)
    set_value(cell, value)
    if isinstance(value, str):
        if looks_like_formula(value):
            cell.quotePrefix = True
    elif number is not None and value is not None:
        cell.number_format = number
    if font is not None:
        cell.font = font
    if align is not None:
        cell.alignment = align
    return cell


def writable_cell(sheet: Worksheet, row: int, column: int) -> Cell:
    cell = sheet.cell(row=row, column=column)
    assert isinstance(cell, Cell), "parindex never writes into a merged cell's hidden part"
    return cell


def set_value(cell: Cell, value: Any) -> None:
    """A cell's value only: text always stored as text, with the characters no workbook can
    hold written as U+FFFD (its style, formula guard included, is the caller's)."""
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        cell.data_type = "s"
    else:
        cell.value = value


def csv_text(value: str) -> str:
    """A text field for CSV: a leading apostrophe where a spreadsheet would see a formula."""
    return "'" + value if looks_like_formula(value) else value


def header_row(sheet: Worksheet, row: int, labels: Sequence[str], first: int = 1) -> None:
    """Bold, shaded, wrapped column headings."""
    for column, label in enumerate(labels, start=first):
        put(
            sheet,
            row,
            column,
            label,
            font=BOLD,
            align=Alignment(wrap_text=True, vertical="center", horizontal="center"),
        )
        sheet.cell(row=row, column=column).fill = HEADER_FILL
        sheet.cell(row=row, column=column).border = GRID
    fit_rows(sheet, row, row)


def grid(sheet: Worksheet, first_row: int, last_row: int, width: int) -> None:
    """Thin borders around every cell of a table."""
    for row in sheet.iter_rows(min_row=first_row, max_row=last_row, max_col=width):
        for cell in row:
            cell.border = GRID


def set_widths(sheet: Worksheet, widths: Sequence[float]) -> None:
    for index, width in enumerate(widths):
        sheet.column_dimensions[column_letter(index)].width = width


def _span_width(sheet: Worksheet, first: int, last: int) -> float:
    return sum(
        sheet.column_dimensions[column_letter(c - 1)].width or 13.0 for c in range(first, last + 1)
    )


def wrapped_lines(value: str, width: float, *, bold: bool = False, size: float = 11) -> int:
    """About how many lines ``value`` wraps to in a column ``width`` characters wide.

    Spreadsheets size a row to its wrapped text only when they edit it, not when
    they open a file (LibreOffice prints such rows one line high), so parindex
    sets the heights itself from this estimate: a generous one, since a row a
    little too tall prints, and a row too short hides text.
    """
    per_line = max(width - 0.5, 1.0) * 11 / size / (1.1 if bold else 0.88)
    lines = 0
    for paragraph in value.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            if used and used + 1 + len(word) > per_line:
                lines += 1
                used = 0.0
            used += (1 if used else 0) + len(word)
            while used > per_line:  # a word longer than the line breaks inside it
                lines += 1
                used -= per_line
    return max(lines, 1)


def fit_rows(sheet: Worksheet, first: int, last: int) -> None:
    """Make rows ``first``–``last`` tall enough for their wrapped text (not merged cells)."""
    widths = {
        column: sheet.column_dimensions[column_letter(column - 1)].width or 13.0
        for column in range(1, sheet.max_column + 1)
    }
    for number, cells in enumerate(sheet.iter_rows(min_row=first, max_row=last), start=first):
        lines = 1
        for cell in cells:
            if not isinstance(cell, Cell) or not isinstance(cell.value, str):
                continue
            if not cell.alignment.wrap_text:
                continue
            bold = bool(cell.font.b)
            lines = max(lines, wrapped_lines(cell.value, widths[cell.column], bold=bold))
        if lines > 1:
            sheet.row_dimensions[number].height = LINE_HEIGHT * lines + 1


def line(
    sheet: Worksheet,
    row: int,
    value: str,
    *,
    first: int,
    last: int,
    font: Font | None = None,
    horizontal: str = "center",
    shrink: bool = False,
) -> None:
    """One line of text merged across columns ``first``–``last``: wrapped, the row made
    tall enough for it, or with ``shrink`` kept on one line and shrunk to fit."""
    align = Alignment(horizontal=horizontal, vertical="center", wrap_text=not shrink)
    if shrink:
        align = Alignment(horizontal=horizontal, vertical="center", shrink_to_fit=True)
    put(sheet, row, first, value, font=font, align=align)
    if last > first:
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    if shrink:
        return
    size = float(font.sz) if font is not None and font.sz else 11.0
    bold = bool(font is not None and font.b)
    lines = wrapped_lines(value, _span_width(sheet, first, last), bold=bold, size=size)
    if lines > 1 or size > 11:
        sheet.row_dimensions[row].height = LINE_HEIGHT * size / 11 * lines + 2


def _split(sheet: Worksheet, width: int) -> int:
    """The last column of the issuing body's block: about 40 % of the sheet's width, leaving
    the national motto the rest."""
    total = _span_width(sheet, 1, width)
    for column in range(1, width):
        if _span_width(sheet, 1, column) >= 0.4 * total:
            return column
    return max(1, width - 1)


def heading_block(
    sheet: Worksheet,
    heading: Heading,
    lang: str,
    *,
    width: int,
    title: str,
    lines: Sequence[str],
    notices: Sequence[str],
) -> int:
    """The header of a printed sheet across ``width`` columns; returns the next free row.

    With an issuing body: the body on the left and the national motto on the
    right, as administrative documents print them. Then the title (with the
    year), the given ``lines`` (criteria set, legal basis, stage) and
    ``notices`` in red.
    """
    row = 1
    if heading.issuer:
        split = _split(sheet, width)
        bodies = issuer_lines(heading)
        motto = national_motto(lang)
        for offset in range(max(len(bodies), len(motto))):
            last_body = offset == len(bodies) - 1
            if offset < len(bodies):
                line(
                    sheet,
                    row,
                    bodies[offset],
                    first=1,
                    last=split,
                    font=Font(bold=last_body or len(bodies) == 1),
                    shrink=True,
                )
            if offset < len(motto):
                line(
                    sheet,
                    row,
                    motto[offset],
                    first=split + 1,
                    last=width,
                    font=Font(bold=True, underline="single" if offset == 1 else None),
                    shrink=True,
                )
            row += 1
        row += 1
    line(sheet, row, title, first=1, last=width, font=Font(bold=True, size=13))
    row += 1
    for text_line in lines:
        line(sheet, row, text_line, first=1, last=width, font=Font(italic=True))
        row += 1
    for notice in notices:
        line(sheet, row, notice, first=1, last=width, font=Font(bold=True, color="C00000"))
        row += 1
    return row + 1


def signature_block(sheet: Worksheet, row: int, heading: Heading, lang: str, width: int) -> int:
    """Place and date, the signing lines, room to sign and the name, on the right half."""
    if not heading.signed:
        return row
    first = max(1, width // 2)
    row += 1
    line(
        sheet,
        row,
        text("output.place_date", lang),
        first=first,
        last=width,
        font=Font(italic=True),
    )
    for signer in heading.signer:
        row += 1
        line(sheet, row, signer.upper(), first=first, last=width, font=BOLD)
    row += 5
    if heading.signer_name:
        line(sheet, row, heading.signer_name, first=first, last=width, font=BOLD)
    return row + 1


def print_setup(
    sheet: Worksheet,
    lang: str,
    *,
    landscape: bool,
    title_rows: tuple[int, int] | None = None,
    freeze: str | None = None,
) -> None:
    """A4, fit to one page wide, title rows repeated, margins, page numbers in the footer."""
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "landscape" if landscape else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    setup.firstPageNumber = 1
    setup.useFirstPageNumber = True
    properties = sheet.sheet_properties
    if properties.pageSetUpPr is None:
        properties.pageSetUpPr = PageSetupProperties()
    properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(
        left=0.5, right=0.4, top=0.55, bottom=0.6, header=0.25, footer=0.3
    )
    sheet.print_options.horizontalCentered = True
    if title_rows is not None:
        sheet.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    if freeze is not None:
        sheet.freeze_panes = freeze
    footer = sheet.oddFooter
    assert footer is not None and footer.center is not None and footer.right is not None
    footer.center.text = text("output.page_footer", lang)
    footer.center.size = 9
    footer.right.text = "&A"
    footer.right.size = 9
