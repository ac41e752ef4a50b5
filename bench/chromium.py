"""Debian's Chromium as the browser tests and the atoll bench launch it (no browser download
is possible on these machines): headless, and nothing fetched in the background that would
add requests or bytes to the measures."""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
