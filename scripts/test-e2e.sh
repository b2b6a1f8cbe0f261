#!/usr/bin/env bash
# End-to-end tests (`make test-e2e`): browser calls through a real parley-server, Playwright driving Debian
# Chromium, one browser per participant (test/e2e/, see its README.md).
#
# The whole suite runs (scripts/lib/netns.sh) in its own network namespace with only loopback (DESIGN.md 3.3), so ICE and media stay on
# 127.0.0.1, and its own PID namespace, so every process it starts (servers, browsers) dies with it whatever
# happens. Failure screenshots and logs go to test-results/e2e/.
#
#   scripts/test-e2e.sh                                   # every *.test.mjs in test/e2e
#   scripts/test-e2e.sh chat.test.mjs                     # some files
#   scripts/test-e2e.sh --test-name-pattern=three         # node --test options pass through
#
# Environment: PARLEY_SERVER (default bin/parley-server), PARLEY_CHROMIUM (default /usr/bin/chromium),
# PARLEY_E2E_SLOW (multiplies every bound, default 1), PARLEY_E2E_VERBOSE=1 (timeline notes as diagnostics),
# PARLEY_SERVER_ARGS (extra server flags).
set -uo pipefail
cd "$(dirname "$0")/.."


NAME=test-e2e
. scripts/lib/netns.sh
netns_binaries
[ -x "$PARLEY_SERVER" ] || die "$PARLEY_SERVER not found: run 'make bin/parley-server'"
netns_check test/e2e '' node ffmpeg unshare ip

# Fixtures (fake camera and microphone files) and browser profiles go to a temp dir removed at the end.
netns_prepare parley-e2e test-results/e2e

cd test/e2e
# node options first, then the test files (all of them unless some are named).
netns_args "$@"
netns_run
echo "test-e2e: exit status $rc after $(( $(date +%s) - start )) s$([ $rc = 0 ] || echo "; failure screenshots and logs in test-results/e2e/")"
exit $rc
