#!/usr/bin/env bash
# Shared by the scripts that make sure programs from Debian's packages are present
# (chromium.sh, libreoffice.sh). Source it. In CI (CI=true) a failure is fatal; on a
# developer machine it warns and the tests that need the programs skip.

# debian_fail WHAT MESSAGE...: stop in CI, warn otherwise (WHAT: the tests that skip).
debian_fail() {
    local what=$1
    shift
    if [[ "${CI:-}" == "true" ]]; then
        echo "error: $*" >&2
        exit 1
    fi
    echo "warning: $* ($what will be skipped)" >&2
    return 1
}

# debian_have COMMAND...: every command is on PATH.
debian_have() {
    local command
    for command in "$@"; do
        command -v "$command" >/dev/null 2>&1 || return 1
    done
}

# debian_ensure WHAT "PACKAGES" COMMAND...: install PACKAGES (as root, with apt-get)
# unless every COMMAND is already on PATH.
debian_ensure() {
    local what=$1 packages=$2
    shift 2
    debian_have "$@" && return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        debian_fail "$what" "$1 is not installed and apt-get is unavailable"
        return 1
    fi
    if [[ $(id -u) -ne 0 ]]; then
        debian_fail "$what" "$1 is not installed and installing it needs root"
        return 1
    fi
    echo "installing $packages from Debian's packages"
    # shellcheck disable=SC2086 # PACKAGES is a list of names
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages \
        >/dev/null || { debian_fail "$what" "apt-get install $packages failed"; return 1; }
    debian_have "$@" || { debian_fail "$what" "$* not found after installing"; return 1; }
}
