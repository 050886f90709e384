#!/usr/bin/env bash
# Install Debian's Chromium for the browser test (tests/test_presenter_browser.py).
# Idempotent: does nothing when /usr/bin/chromium already exists. Playwright's own browser
# download is not used (the test drives the system Chromium through executable_path).
set -euo pipefail
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
    echo "chromium already installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "install_browser.sh: not root and no sudo; install chromium yourself" \
             "(apt-get install chromium) or the browser test will be skipped" >&2
        exit 0
    fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_browser.sh: no apt-get on this system; install Chromium at $CHROMIUM" \
         "yourself or the browser test will be skipped" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium
"$CHROMIUM" --version
