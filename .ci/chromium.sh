#!/usr/bin/env bash
# Make sure headless Chromium and its WebDriver are present for the report's
# browser test. Source it: `. .ci/chromium.sh`. Installs Debian's `chromium`
# and `chromium-driver` when missing (as root). In CI (CI=true) any failure is
# fatal; on a developer machine it warns and the browser test skips.
. "$(dirname "${BASH_SOURCE[0]}")/debian.sh"
if debian_ensure "the browser test" "chromium chromium-driver" chromium chromedriver; then
    chromium --version 2>/dev/null | head -n 1
fi
