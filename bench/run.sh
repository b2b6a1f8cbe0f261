#!/usr/bin/env bash
# Signaling benchmark: runs every scenario of loadgen.mjs against bin/parley-server and against the Node reference
# server (reference-server.mjs, npm socket.io@4), each server pinned to one core and the load generator to the
# other, a fresh server process per scenario, and prints one side-by-side table. See bench/README.md.
#
# Builds nothing: `make bench` builds bin/parley-server and installs bench/node_modules first.
# Environment (all optional):
#   BENCH_SERVERS    servers to run, in order (default "parley reference")
#   BENCH_SCENARIOS  default "pair1 pair32 room10 idle2000"
#   BENCH_DURATION   measured seconds per run (default 5), BENCH_WARMUP seconds before it (default 1)
#   BENCH_REPEAT     runs per throughput scenario and server, alternating servers (default 3); the table shows
#                    the median of each figure
#   BENCH_RETRIES    how many runs, in all, may be redone because other processes used over a quarter of a core
#                    meanwhile (default 4)
#   PARLEY_SERVER    the parley-server binary (default bin/parley-server of this repository)
# Exit status: 0 when every scenario passed its checks, 1 when any failed (lost, duplicated or reordered messages,
# error acks, disconnects, a server that died) or a server could not start.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PARLEY_SERVER=${PARLEY_SERVER:-$HERE/../bin/parley-server}
BENCH_SERVERS=${BENCH_SERVERS:-parley reference}
BENCH_SCENARIOS=${BENCH_SCENARIOS:-pair1 pair32 room10 idle2000}
BENCH_DURATION=${BENCH_DURATION:-5}
BENCH_WARMUP=${BENCH_WARMUP:-1}
BENCH_REPEAT=${BENCH_REPEAT:-3}
BENCH_RETRIES=${BENCH_RETRIES:-4}

if [ ! -d "$HERE/node_modules/socket.io" ] || [ ! -d "$HERE/node_modules/socket.io-client" ]; then
  echo "bench: run 'npm ci' in bench/ first (make bench does)" >&2
  exit 1
fi

# One core for the server, the other for the load generator (when there are two).
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  PIN_SERVER=(taskset -c 1)
  PIN_LOADGEN=(taskset -c 0)
else
  echo "bench: fewer than 2 cores or no taskset: not pinning (figures are not comparable to pinned runs)" >&2
  PIN_SERVER=()
  PIN_LOADGEN=()
fi

# 2,000 clients need 2,000+ descriptors on each side.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

WORK=$(mktemp -d -t parley-bench.XXXXXX)
SERVER_PID=""
LOADGEN_PID=""

stop_pid() { # pid: TERM, up to 5 s, then KILL
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  [ -n "$LOADGEN_PID" ] && stop_pid "$LOADGEN_PID"
  [ -n "$SERVER_PID" ] && stop_pid "$SERVER_PID"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

server_label() {
  case "$1" in
    parley) echo "parley-server" ;;
    reference) echo "reference" ;;
  esac
}

# start_server NAME TAG: starts it in the background, sets SERVER_PID and SERVER_URL, or returns 1.
start_server() {
  local name=$1 tag=$2 cmd
  case "$name" in
    parley)
      if [ ! -x "$PARLEY_SERVER" ]; then echo "bench: $PARLEY_SERVER not built (make bin/parley-server)" >&2; return 1; fi
      cmd=("$PARLEY_SERVER" --addr 127.0.0.1:0 --rate-limits=false) ;;
    reference)
      cmd=(node "$HERE/reference-server.mjs" --addr 127.0.0.1:0) ;;
    *) echo "bench: unknown server '$name' (parley or reference)" >&2; return 1 ;;
  esac
  : >"$WORK/$tag.out"
  # taskset execs the server, so $! is the server's own pid (the one /proc is read for).
  "${PIN_SERVER[@]}" "${cmd[@]}" >"$WORK/$tag.out" 2>"$WORK/$tag.err" &
  SERVER_PID=$!
  local line="" i
  for i in $(seq 150); do
    line=$(head -n 1 "$WORK/$tag.out")
    if [[ "$line" =~ ^listening\ on\ (http://127\.0\.0\.1:[0-9]+) ]]; then
      SERVER_URL=${BASH_REMATCH[1]}
      return 0
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "FAILED: the server did not print 'listening on http://127.0.0.1:PORT' (first line: '$line')" >&2
  echo "    server stderr (last lines):" >&2
  tail -n 20 "$WORK/$tag.err" | sed 's/^/      /' >&2 || true
  stop_pid "$SERVER_PID"; SERVER_PID=""
  return 1
}

status=0
servers=()
declare -A broken=() # servers that would not start: not retried
for srv in $BENCH_SERVERS; do
  servers+=("$srv")
  mkdir -p "$WORK/results/${#servers[@]}-$srv"
done

# run_one INDEX SERVER SCENARIO REP: one fresh server process, one loadgen run.
run_one() {
  local idx=$1 srv=$2 sc=$3 rep=$4 rc
  local res="$WORK/results/$idx-$srv" tag="$idx-$srv-$sc-$rep"
  printf 'bench: %-9s %-9s #%s  ' "$srv" "$sc" "$rep" >&2
  if [ -n "${broken[$srv]:-}" ]; then
    echo "skipped (the server did not start)" >&2
    echo "the server did not start" >"$res/$sc.$rep.failed"
    return
  fi
  if ! start_server "$srv" "$tag"; then
    status=1
    broken[$srv]=1
    echo "the server did not start" >"$res/$sc.$rep.failed"
    return
  fi
  set +e
  "${PIN_LOADGEN[@]}" node "$HERE/loadgen.mjs" --url "$SERVER_URL" --pid "$SERVER_PID" --scenario "$sc" \
    --duration "$BENCH_DURATION" --warmup "$BENCH_WARMUP" --out "$res/$sc.$rep.json" 2>"$WORK/$tag.loadgen" &
  LOADGEN_PID=$!
  wait "$LOADGEN_PID"
  rc=$?
  LOADGEN_PID=""
  set -e
  if [ "$rc" -ne 0 ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
    status=1
    echo "FAILED" >&2
    sed 's/^/    /' "$WORK/$tag.loadgen" >&2
    kill -0 "$SERVER_PID" 2>/dev/null || echo "    the server process died" >&2
    echo "    server stderr (last lines):" >&2
    tail -n 10 "$WORK/$tag.err" | sed 's/^/      /' >&2
    { grep -h 'FAIL' "$WORK/$tag.loadgen" | head -n 1 || true; } >"$res/$sc.$rep.failed"
    [ -s "$res/$sc.$rep.failed" ] || echo "failed (loadgen exit $rc)" >"$res/$sc.$rep.failed"
    rm -f "$res/$sc.$rep.json"
  else
    { sed -n 's/^loadgen: [a-z0-9]*: //p' "$WORK/$tag.loadgen" | head -n 1; } >&2
    { grep -h 'WARNING' "$WORK/$tag.loadgen" | sed 's/^/    /' || true; } >&2
  fi
  stop_pid "$SERVER_PID"; SERVER_PID=""
  # Another job on the machine shared the cores: redo the run while the retry budget lasts.
  local other
  other=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const m = r.metrics.find((x) => x.label === "other processes CPU"); console.log(m ? Math.round(m.value) : 0)' \
    "$res/$sc.$rep.json" 2>/dev/null || echo 0)
  if [ "$other" -gt 25 ] && [ "$BENCH_RETRIES" -gt 0 ]; then
    BENCH_RETRIES=$((BENCH_RETRIES - 1))
    echo "    other processes used ${other} % of a core meanwhile: running it again" >&2
    mv "$res/$sc.$rep.json" "$res/$sc.$rep.$BENCH_RETRIES.disturbed"
    run_one "$@"
  fi
}

# Scenario by scenario, the servers alternate run by run, so drift in the machine's load hits both alike.
for sc in $BENCH_SCENARIOS; do
  reps=$BENCH_REPEAT
  [ "$sc" = idle2000 ] && reps=1 # memory does not need repeating
  for rep in $(seq "$reps"); do
    for i in "${!servers[@]}"; do run_one "$((i + 1))" "${servers[$i]}" "$sc" "$rep"; done
  done
done

echo
args=()
for i in "${!servers[@]}"; do args+=("$(server_label "${servers[$i]}")=$WORK/results/$((i + 1))-${servers[$i]}"); done
node "$HERE/report.mjs" "${args[@]}"
if [ "$status" -ne 0 ]; then
  echo "bench: FAILED (see the messages above)" >&2
fi
exit "$status"
