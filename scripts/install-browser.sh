#!/usr/bin/env bash
# Installs Debian's Chromium for the Playwright browser tests (tests/browser).
# Idempotent: does nothing when /usr/bin/chromium is already there. Playwright
# drives this system browser; it never downloads a browser build of its own.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core
/usr/bin/chromium --version
