#!/usr/bin/env bash
# Make sure headless LibreOffice (and poppler's pdftotext) are present for the
# printed-workbook tests, which render workbooks to PDF and count pages. Source it:
# `. .ci/libreoffice.sh`. Installs Debian's `libreoffice-calc-nogui` and
# `poppler-utils` when missing (as root). In CI (CI=true) any failure is fatal;
# on a developer machine it warns and the PDF tests skip.
. "$(dirname "${BASH_SOURCE[0]}")/debian.sh"
if debian_ensure "the PDF page-count tests" "libreoffice-calc-nogui poppler-utils" soffice pdftotext; then
    soffice --version 2>/dev/null | head -n 1
fi
