#!/usr/bin/env bash
# Desktop end-to-end tests (`make test-desktop-e2e`, after `make app bin/parley-server`): the real Parley app
# (build/bin/parley, PARLEY_FAKE_MEDIA=1) under its own Xvfb, with headless Chromium guests (test/desktop/).
#
# Like scripts/test-e2e.sh, the suite runs in its own network namespace with only loopback (DESIGN.md 3.3) — the
# app's hosted server, parley-server, Xvfb and the browsers all live there, so nothing reaches the machine's real
# network, and a hosting app's "LAN" address is 127.0.0.1 — and its own PID namespace, so every process it
# starts dies with it whatever happens. Screenshots (app-hosting.png, and failure artefacts) and logs go to
# test-results/desktop/.
#
#   scripts/test-desktop-e2e.sh                          # every *.test.mjs in test/desktop
#   scripts/test-desktop-e2e.sh --test-name-pattern=join # node --test options pass through
#
# Environment: PARLEY_APP (default build/bin/parley), PARLEY_SERVER (default bin/parley-server), PARLEY_CHROMIUM
# (default /usr/bin/chromium), PARLEY_E2E_SLOW (multiplies every bound, default 1).
set -uo pipefail
cd "$(dirname "$0")/.."

NAME=test-desktop-e2e
. scripts/lib/netns.sh
netns_binaries
[ -x "$PARLEY_APP" ] || die "$PARLEY_APP not found: run 'make app'"
[ -x "$PARLEY_SERVER" ] || die "$PARLEY_SERVER not found: run 'make bin/parley-server'"
netns_check test/desktop ' (run scripts/install-deps.sh)' node unshare ip Xvfb xdotool import convert

netns_prepare parley-desktop-e2e test-results/desktop

cd test/desktop
netns_args "$@"
# A stand-in LAN address: a veth pair that exists only inside the namespace (connected to nothing, so no packet
# leaves it) carries 192.168.77.10, so a hosting app lists a "LAN" URL and shows its QR code, and guests join
# through it (local addresses are delivered through loopback). Without veth support the suite runs with
# loopback only and the app announces its LocalURL.
netns_run '
  if ip link add lan0 type veth peer name lan1 2>/dev/null && ip addr add 192.168.77.10/24 dev lan0 &&
    ip link set lan1 up && ip link set lan0 up; then
    export PARLEY_DESKTOP_LAN=192.168.77.10
  else
    echo "test-desktop-e2e: no veth support: loopback only" >&2
  fi'
echo "test-desktop-e2e: exit status $rc after $(( $(date +%s) - start )) s; screenshots and logs in test-results/desktop/"
exit $rc
