#!/usr/bin/env bash
# Make sure headless Chromium and its WebDriver are present for the report's
# browser test. Source it: `. .ci/chromium.sh`. Installs Debian's `chromium`
# and `chromium-driver` when missing (as root). In CI (CI=true) any failure is
# fatal; on a developer machine it warns and the browser test skips.
chromium_fail() {
    if [[ "${CI:-}" == "true" ]]; then
        echo "error: $*" >&2
        exit 1
    fi
    echo "warning: $* (the browser test will be skipped)" >&2
    return 1
}

chromium_ensure() {
    if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
        echo "$(chromium --version 2>/dev/null | head -n 1)"
        return 0
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        chromium_fail "Chromium is not installed and apt-get is unavailable"
        return 1
    fi
    if [[ $(id -u) -ne 0 ]]; then
        chromium_fail "Chromium is not installed and installing it needs root"
        return 1
    fi
    echo "installing Chromium from Debian's packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq chromium chromium-driver >/dev/null \
        || { chromium_fail "apt-get install chromium chromium-driver failed"; return 1; }
    command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 \
        || { chromium_fail "chromium or chromedriver not found after installing"; return 1; }
    echo "$(chromium --version 2>/dev/null | head -n 1)"
}

chromium_ensure || true
