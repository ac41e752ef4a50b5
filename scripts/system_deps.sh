#!/usr/bin/env bash
# Debian packages the project needs: PostgreSQL and redis-server (tests), Chromium (browser tests),
# Pango/HarfBuzz/fonts (WeasyPrint PDFs), poppler-utils (reading PDFs back), wrk (make bench).
# `system_deps.sh pdf` checks only what WeasyPrint needs to render PDFs (used by `make run`).
# Installs only what is missing, so a second run costs nothing.
set -euo pipefail

PDF_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)

missing=()
if [ "${1:-all}" != "pdf" ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  dpkg -s poppler-utils >/dev/null 2>&1 || missing+=(poppler-utils)
fi
for pkg in "${PDF_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installation des paquets Debian : ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
