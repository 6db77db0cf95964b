#!/usr/bin/env bash
# Installs Debian's Chromium for the Playwright browser tests (tests/browser).
# Idempotent: does nothing when /usr/bin/chromium is already there. Playwright
# drives this system browser; it never downloads a browser build of its own.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi

source "$(dirname "$0")/_apt.sh"
apt_install chromium fonts-dejavu-core
/usr/bin/chromium --version
