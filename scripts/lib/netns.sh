# Shared set-up of the end-to-end suites (scripts/test-e2e.sh, scripts/test-desktop-e2e.sh), sourced by them after
# `cd` to the repository root with NAME set to the script's name (for messages):
#
#   netns_binaries                            # PARLEY_APP, PARLEY_SERVER: absolute, exported
#   netns_check SUITE_DIR TOOL_HINT TOOL...   # node_modules, Chromium, tools, root (exits 2 with a message)
#   netns_prepare WORK_PREFIX RESULTS_DIR     # a temp dir (TMPDIR) removed at exit; RESULTS_DIR emptied
#   netns_args ARG...                         # node options into opts, test files into files (default *.test.mjs)
#   netns_run [SETUP]                         # node --test in a network namespace with only loopback; sets rc
#   netns_exec SETUP CMD ARG...               # any command there (the glass-to-glass benchmark); sets rc
#
# netns_run runs the suite in its own network namespace with only loopback (DESIGN.md 3.3) and its own PID
# namespace: sh is PID 1 of the new PID namespace (not exec'd: PID 1 ignores Ctrl-C); when it exits, the kernel
# kills every process left in the namespace. SETUP is sh run in the namespace after lo is up, before node.

die() { echo "$NAME: $*" >&2; exit 2; }

# netns_binaries: PARLEY_APP and PARLEY_SERVER (defaults: this checkout's builds) as absolute paths, exported —
# the suites run from their own directories.
netns_binaries() {
  local root=$PWD
  abs() { case $1 in /*) echo "$1" ;; *) echo "$root/$1" ;; esac; }
  PARLEY_APP=$(abs "${PARLEY_APP:-build/bin/parley}")
  PARLEY_SERVER=$(abs "${PARLEY_SERVER:-bin/parley-server}")
  export PARLEY_APP PARLEY_SERVER
}

netns_check() {
  local suite=$1 hint=$2 tool
  shift 2
  [ -d "$suite/node_modules/playwright-core" ] || die "$suite/node_modules missing: run 'cd $suite && npm ci'"
  [ -x "${PARLEY_CHROMIUM:-/usr/bin/chromium}" ] || die "${PARLEY_CHROMIUM:-/usr/bin/chromium} not found (apt-get install chromium)"
  for tool in "$@"; do
    command -v "$tool" >/dev/null || die "$tool not found$hint"
  done
  [ "$(id -u)" = 0 ] || die "needs root for unshare --net (a namespace with only loopback)"
}

netns_prepare() {
  work=$(mktemp -d -t "$1.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  trap 'exit 130' INT TERM
  export TMPDIR=$work
  # Old artefacts would be mistaken for this run's.
  rm -rf "$2"
  mkdir -p "$2"
}

netns_args() {
  opts=()
  files=()
  local a
  for a in "$@"; do
    case $a in
      -*) opts+=("$a") ;;
      *) files+=("$a") ;;
    esac
  done
  [ ${#files[@]} -gt 0 ] || files=(*.test.mjs)
}

netns_run() {
  netns_exec "${1:-}" node --test --test-concurrency=1 --test-reporter=spec "${opts[@]}" "${files[@]}"
}

# netns_exec SETUP CMD ARG...: runs CMD in the namespaces (as netns_run does the suite); sets rc.
netns_exec() {
  local setup=$1
  shift
  start=$(date +%s)
  unshare --net --pid --fork --mount-proc sh -c '
  ip link set lo up || exit 2
  # pion gathers loopback candidates only when asked (a test setting): here loopback is all there is.
  export PARLEY_ICE_LOOPBACK=1
'"$setup"'
  "$@"
' "$NAME" "$@"
  rc=$?
}
