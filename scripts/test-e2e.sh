#!/usr/bin/env bash
# End-to-end tests (`make test-e2e`): browser calls through a real parley-server, Playwright driving Debian
# Chromium, one browser per participant (test/e2e/, see its README.md).
#
# The whole suite runs in its own network namespace with only loopback (DESIGN.md 3.3), so ICE and media stay on
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
ROOT=$PWD

PARLEY_SERVER=${PARLEY_SERVER:-bin/parley-server}
case $PARLEY_SERVER in /*) ;; *) PARLEY_SERVER=$ROOT/$PARLEY_SERVER ;; esac
export PARLEY_SERVER

die() { echo "test-e2e: $*" >&2; exit 2; }
[ -x "$PARLEY_SERVER" ] || die "$PARLEY_SERVER not found: run 'make bin/parley-server'"
[ -d test/e2e/node_modules/playwright-core ] || die "test/e2e/node_modules missing: run 'cd test/e2e && npm ci'"
[ -x "${PARLEY_CHROMIUM:-/usr/bin/chromium}" ] || die "${PARLEY_CHROMIUM:-/usr/bin/chromium} not found (apt-get install chromium)"
for tool in node ffmpeg unshare ip; do
  command -v "$tool" >/dev/null || die "$tool not found"
done
[ "$(id -u)" = 0 ] || die "needs root for unshare --net (a namespace with only loopback)"

# Fixtures (fake camera and microphone files) and browser profiles go to a temp dir removed at the end.
work=$(mktemp -d -t parley-e2e.XXXXXX)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
export TMPDIR=$work

# Old artefacts would be mistaken for this run's.
rm -rf test-results/e2e
mkdir -p test-results/e2e

cd test/e2e
# node options first, then the test files (all of them unless some are named).
opts=()
files=()
for a in "$@"; do
  case $a in
    -*) opts+=("$a") ;;
    *) files+=("$a") ;;
  esac
done
[ ${#files[@]} -gt 0 ] || files=(*.test.mjs)

start=$(date +%s)
# sh is PID 1 of the new PID namespace (not exec'd: PID 1 ignores Ctrl-C); when it exits, the kernel kills every
# process left in the namespace.
unshare --net --pid --fork --mount-proc sh -c '
  ip link set lo up || exit 2
  node --test --test-concurrency=1 --test-reporter=spec "$@"
' test-e2e "${opts[@]}" "${files[@]}"
rc=$?
echo "test-e2e: exit status $rc after $(( $(date +%s) - start )) s$([ $rc = 0 ] || echo "; failure screenshots and logs in test-results/e2e/")"
exit $rc
