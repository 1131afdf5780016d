#!/usr/bin/env bash
# Make sure headless LibreOffice (and poppler's pdftotext) are present for the
# printed-workbook tests, which render workbooks to PDF and count pages. Source it:
# `. .ci/libreoffice.sh`. Installs Debian's `libreoffice-calc-nogui` and
# `poppler-utils` when missing (as root). In CI (CI=true) any failure is fatal;
# on a developer machine it warns and the PDF tests skip.
libreoffice_fail() {
    if [[ "${CI:-}" == "true" ]]; then
        echo "error: $*" >&2
        exit 1
    fi
    echo "warning: $* (the PDF page-count tests will be skipped)" >&2
    return 1
}

libreoffice_ensure() {
    if command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then
        echo "$(soffice --version 2>/dev/null | head -n 1)"
        return 0
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        libreoffice_fail "LibreOffice is not installed and apt-get is unavailable"
        return 1
    fi
    if [[ $(id -u) -ne 0 ]]; then
        libreoffice_fail "LibreOffice is not installed and installing it needs root"
        return 1
    fi
    echo "installing LibreOffice Calc (no GUI) and poppler-utils from Debian's packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui poppler-utils \
        >/dev/null \
        || { libreoffice_fail "apt-get install libreoffice-calc-nogui poppler-utils failed"; return 1; }
    command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 \
        || { libreoffice_fail "soffice or pdftotext not found after installing"; return 1; }
    echo "$(soffice --version 2>/dev/null | head -n 1)"
}

libreoffice_ensure || true
