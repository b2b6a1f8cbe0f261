#!/usr/bin/env bash
# The glass-to-glass benchmark (part of `make bench`, after `make app bin/parley-server`): the desktop app in a call
# with a Chromium page beside a Chromium⇄Chromium call, under Xvfb, in a network and PID namespace with only
# loopback like the end-to-end suites (test/desktop/glass.bench.mjs says what it measures).
#
# Environment: PARLEY_APP (default build/bin/parley), PARLEY_SERVER (default bin/parley-server),
# BENCH_GLASS_SECONDS (measured seconds per call, default 20).
set -uo pipefail
cd "$(dirname "$0")/.."

NAME=bench-glass
. scripts/lib/netns.sh
netns_binaries
[ -x "$PARLEY_APP" ] || die "$PARLEY_APP not found: run 'make app'"
[ -x "$PARLEY_SERVER" ] || die "$PARLEY_SERVER not found: run 'make bin/parley-server'"
netns_check test/desktop ' (run scripts/install-deps.sh)' node unshare ip Xvfb xdotool ffmpeg
netns_prepare parley-bench-glass test-results/bench-glass

cd test/desktop
netns_exec '' node glass.bench.mjs
exit $rc
