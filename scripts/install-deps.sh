#!/usr/bin/env bash
# Installs what building and testing Parley needs on a fresh Debian/Ubuntu machine, and nothing that is there.
# Idempotent: each step checks first, so `make test` can call it every time at almost no cost.
set -euo pipefail

need_apt=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for p in build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev chromium xvfb xdotool imagemagick \
         ffmpeg iproute2 openssl nodejs npm; do
  case "$p" in
    nodejs|npm) command -v "$p" >/dev/null 2>&1 && continue ;;
  esac
  have_pkg "$p" || need_apt+=("$p")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install-deps: apt packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi
