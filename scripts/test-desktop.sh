#!/usr/bin/env bash
# Desktop smoke test (`make test-desktop`, after `make app`): starts the built app under Xvfb, waits for the page
# to report the lobby ("frontend ready: lobby" on the app's stderr), checks the window exists, screenshots the
# screen to test-results/desktop-lobby.png and checks the screenshot is not blank. Cleans up whatever it started.
#
# Environment: PARLEY_APP (default ./build/bin/parley), PARLEY_READY_TIMEOUT seconds (default 40).
set -uo pipefail
cd "$(dirname "$0")/.."

APP=${PARLEY_APP:-./build/bin/parley}
READY_TIMEOUT=${PARLEY_READY_TIMEOUT:-40}
OUT=test-results
SHOT=$OUT/desktop-lobby.png
# Not blank: a blank screen has 1–3 colours, the page background alone (a gradient) ~100, the painted lobby
# well over 1000; and light pixels (text, the Join button) cover ~2500 ppm of the screen, the background none.
MIN_COLOURS=400
MIN_BRIGHT_PPM=800

work=$(mktemp -d -t parley-desktop.XXXXXX)
xvfb_pid=""
app_pid=""
passed=0
failed=0

cleanup() {
  # The app runs in its own session (setsid): end its whole process group (WebKit's helper processes too).
  if [ -n "$app_pid" ]; then
    kill -TERM -- "-$app_pid" 2>/dev/null
    for _ in $(seq 1 30); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$app_pid" 2>/dev/null
  fi
  if [ -n "$xvfb_pid" ]; then
    kill -TERM "$xvfb_pid" 2>/dev/null
    wait "$xvfb_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "desktop smoke: FAIL: $*" >&2
  if [ -s "$work/app.log" ]; then
    echo "--- app log (last 100 lines) ---" >&2
    tail -n 100 "$work/app.log" >&2
  fi
  if [ -s "$work/xvfb.log" ]; then
    echo "--- Xvfb log ---" >&2
    tail -n 20 "$work/xvfb.log" >&2
  fi
  failed=$((failed + 1))
  echo "desktop smoke: $passed passed, $failed failed"
  exit 1
}

for tool in Xvfb import convert xdotool; do
  command -v "$tool" >/dev/null || fail "$tool not found (run scripts/install-deps.sh)"
done
[ -x "$APP" ] || fail "$APP not found: run 'make app' first"
mkdir -p "$OUT"
rm -f "$SHOT"

# Xvfb picks a free display itself and writes its number to fd 3 once it accepts connections.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
display=""
for _ in $(seq 1 100); do # 10 s
  display=$(tr -dc '0-9' <"$work/display" 2>/dev/null)
  [ -n "$display" ] && break
  kill -0 "$xvfb_pid" 2>/dev/null || fail "Xvfb exited"
  sleep 0.1
done
[ -n "$display" ] || fail "Xvfb did not start within 10 s"
export DISPLAY=":$display"

# A private home for WebKit's storage, so that nothing remembered from earlier runs changes the lobby.
mkdir -p "$work/home"
env HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share" \
  XDG_CACHE_HOME="$work/home/.cache" NO_AT_BRIDGE=1 \
  setsid "$APP" >"$work/app.log" 2>&1 </dev/null &
app_pid=$!

start=$SECONDS
until grep -q 'frontend ready: lobby' "$work/app.log"; do
  kill -0 "$app_pid" 2>/dev/null || fail "the app exited before the lobby was ready"
  [ $((SECONDS - start)) -lt "$READY_TIMEOUT" ] || fail "no 'frontend ready: lobby' within ${READY_TIMEOUT} s"
  sleep 0.2
done
echo "desktop smoke: lobby ready after $((SECONDS - start)) s on display :$display"

xdotool search --name '^Parley$' >/dev/null 2>&1 || fail "no window titled 'Parley'"

# The ready line comes when the lobby is mounted; painting follows within a frame or two. Poll (bounded) until the
# screenshot shows a painted page.
colours=0
bright=0
painted() { [ "${colours:-0}" -gt "$MIN_COLOURS" ] && [ "${bright:-0}" -gt "$MIN_BRIGHT_PPM" ]; }
for _ in $(seq 1 20); do # 10 s
  if import -window root "$SHOT" 2>>"$work/import.log"; then
    colours=$(convert "$SHOT" -format '%k' info: 2>/dev/null || echo 0)
    bright=$(convert "$SHOT" -colorspace Gray -threshold 70% -format '%[fx:int(mean*1000000)]' info: 2>/dev/null || echo 0)
    painted && break
  fi
  sleep 0.5
done
[ -s "$SHOT" ] || fail "no screenshot taken: $(tail -n 3 "$work/import.log" 2>/dev/null)"
painted || fail "the screenshot looks blank: $colours distinct colours (want > $MIN_COLOURS), light pixels $bright ppm (want > $MIN_BRIGHT_PPM): $SHOT"
kill -0 "$app_pid" 2>/dev/null || fail "the app exited after showing the lobby"

echo "desktop smoke: screenshot $SHOT ($colours distinct colours, light pixels $bright ppm)"
passed=$((passed + 1))
echo "desktop smoke: $passed passed, $failed failed"
