#!/usr/bin/env bash
# Packaging test: build the .deb, install it with dpkg, check the installed app, remove it.
#
#   packaging/test-install.sh [--no-build]     (as root, on Debian/Ubuntu amd64)
#
# --no-build tests the .deb already in dist/. Every check runs the installed
# /usr/bin/connector-designer from a clean environment whose PATH has no venv
# and no Python, so only what the package brings is used.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
APP_ID="io.github.connectordesigner.ConnectorDesigner"
BIN=/usr/bin/connector-designer
VERSION="$(sed -n 's/^version = "\(.*\)"$/\1/p' pyproject.toml | head -1)"
DEB="dist/connector-designer_${VERSION}_amd64.deb"
WORK="$(mktemp -d)"
GUI="" XVFB="" INSTALLED=""
cleanup() {
    # A failed check leaves neither processes nor the package behind.
    for pid in $GUI $XVFB; do kill "$pid" 2>/dev/null || true; done
    [ -z "$INSTALLED" ] || dpkg -r connector-designer >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
pass() { printf 'ok   %s\n' "$*"; echo >>"$WORK/passed"; }
fail() { printf 'FAIL %s\n' "$*" >&2; exit 1; }
# The installed binary, with nothing of this shell's environment but a D-Bus session bus.
clean() {
    env -i PATH=/usr/bin:/bin HOME="$WORK/home" LANG=C.UTF-8 \
        XDG_CONFIG_HOME="$WORK/config" XDG_DATA_HOME="$WORK/data" \
        ${DBUS_SESSION_BUS_ADDRESS:+DBUS_SESSION_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS"} \
        "$@"
}
# The same for a background job: exec, so that $! is the program itself.
clean_bg() {
    exec env -i PATH=/usr/bin:/bin HOME="$WORK/home" LANG=C.UTF-8 \
        XDG_CONFIG_HOME="$WORK/config" XDG_DATA_HOME="$WORK/data" \
        ${DBUS_SESSION_BUS_ADDRESS:+DBUS_SESSION_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS"} \
        "$@"
}
mkdir -p "$WORK/home"

export DEBIAN_FRONTEND=noninteractive
# (The package lists must be current: .ci/run runs apt-get update first.)
# Validators, the keychain, and the system libraries the frozen Qt links against.
apt-get install -y -q --no-install-recommends \
    dpkg-dev desktop-file-utils appstream shared-mime-info libsecret-tools \
    xvfb xdotool x11-utils imagemagick \
    gnome-keyring dbus dbus-x11 fonts-dejavu-core \
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0 \
    libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 \
    libx11-xcb1 libegl1 libgl1 libfontconfig1 libfreetype6 libdbus-1-3 >/dev/null

if [ "${1:-}" != "--no-build" ]; then
    start=$SECONDS
    packaging/build.sh
    echo "build: $((SECONDS - start)) s"
fi
[ -f "$DEB" ] || fail "$DEB is missing"
size_mb=$(( $(stat -c %s "$DEB") / 1048576 ))
[ "$size_mb" -le 120 ] || fail ".deb is $size_mb MB, over 120 MB"
pass ".deb is $size_mb MB"
[ "$(dpkg-deb -f "$DEB" Version)" = "$VERSION" ] || fail ".deb version is not $VERSION"

dpkg -r connector-designer >/dev/null 2>&1 || true
dpkg -i "$DEB" >/dev/null
INSTALLED=1
pass "dpkg -i"

desktop-file-validate "/usr/share/applications/$APP_ID.desktop" || fail "desktop-file-validate"
pass "desktop-file-validate"
appstreamcli validate --no-net "/usr/share/metainfo/$APP_ID.metainfo.xml" || fail "appstreamcli validate"
pass "appstreamcli validate --no-net"
for size in 16x16 32x32 48x48 64x64 128x128 256x256 512x512; do
    [ -f "/usr/share/icons/hicolor/$size/apps/$APP_ID.png" ] || fail "no $size icon"
done
[ -f "/usr/share/icons/hicolor/scalable/apps/$APP_ID.svg" ] || fail "no scalable icon"
pass "hicolor icons"
# The icons of menus and buttons travel with their licence, and Qt's SVG module draws them.
for file in play.svg key-round.svg LICENSE; do
    [ -n "$(find /opt/connector-designer -path "*/designer/resources/icons/ui/$file" -print -quit)" ] \
        || fail "the frozen app lacks icons/ui/$file"
done
[ -n "$(find /opt/connector-designer -name "libQt6Svg.so*" -print -quit)" ] \
    || fail "the frozen app lacks QtSvg"
pass "interface icons, their licence and QtSvg"
# dpkg's trigger ran update-mime-database: the types are in the database.
grep -q "x-connector-designer-workspace" /usr/share/mime/types || fail "workspace MIME type not registered"
grep -q "x-connector-designer-bundle" /usr/share/mime/types || fail "bundle MIME type not registered"
pass "MIME types registered"

out="$(clean "$BIN" --version)"
[ "$out" = "connector-designer $VERSION" ] || fail "--version said: $out"
pass "--version: $out"

out="$(clean QT_QPA_PLATFORM=offscreen "$BIN" --example --quit-after-load)"
[[ "$out" == "started in "* ]] || fail "--example --quit-after-load said: $out"
pass "--example --quit-after-load: $out"

cat >"$WORK/orders.json" <<'JSON'
{"data": [{"id": 1001, "total": 12.5, "paid": true, "placed_at": "2024-05-01T10:00:00Z",
           "customer": {"email": "a@example.com"}, "coupon": null},
          {"id": 1002, "total": 7, "paid": false, "placed_at": "2024-05-02T11:30:00Z",
           "customer": {"email": "b@example.com"}}],
 "has_more": false}
JSON
out="$(clean "$BIN" infer "$WORK/orders.json")"
grep -q "placed_at: " <<<"$out" || fail "infer said: $out"
grep -q "coupon?" <<<"$out" || fail "infer missed the optional field: $out"
pass "infer"

# The window on a real X server: a bundle opened as from the file manager goes to the
# import preview, whose reading runs in a worker process (multiprocessing spawn, which
# needs freeze_support in the frozen app). The window carries the app's icon.
"$BIN" export "$ROOT/resources/examples/example.workspace.json" --to bundle \
    -o "$WORK/shop.bundle.json" >/dev/null 2>&1
# -displayfd: the X server picks a free display number and writes it there.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$WORK/display" >/dev/null 2>&1 &
XVFB=$!
for _ in $(seq 50); do [ -s "$WORK/display" ] && break; sleep 0.1; done
D=":$(head -1 "$WORK/display")"
clean_bg DISPLAY="$D" "$BIN" "$WORK/shop.bundle.json" >"$WORK/gui.log" 2>&1 &
GUI=$!
worker=""
for _ in $(seq 120); do
    for child in $(pgrep -P "$GUI" || true); do
        grep -q -- "--multiprocessing-fork" "/proc/$child/cmdline" 2>/dev/null && worker=$child
    done
    [ -n "$worker" ] && break
    sleep 0.5
done
win="$(DISPLAY=$D xdotool search --name "Connector Designer" 2>/dev/null | head -1 || true)"
icon="$( [ -n "$win" ] && DISPLAY=$D xprop -id "$win" _NET_WM_ICON 2>/dev/null | head -c 200 || true)"
wmclass="$( [ -n "$win" ] && DISPLAY=$D xprop -id "$win" WM_CLASS 2>/dev/null || true)"
sleep 3
# A worker that could not run its job (no freeze_support: it would parse its own
# arguments as the CLI's and exit) is gone by now; a pool worker waits for the next job.
alive=""; [ -n "$worker" ] && kill -0 "$worker" 2>/dev/null && alive=yes
mkdir -p dist && DISPLAY=$D import -window root dist/frozen-app-xvfb.png 2>/dev/null || true
kill "$GUI" 2>/dev/null || true
kill "$XVFB" 2>/dev/null || true
wait "$GUI" "$XVFB" 2>/dev/null || true
GUI="" XVFB=""
[ -n "$worker" ] || fail "no worker process started: $(cat "$WORK/gui.log")"
[ -n "$alive" ] || fail "the worker process died: $(cat "$WORK/gui.log")"
pass "window: the import runs in a worker process (pid $worker)"
grep -q "Icon" <<<"$icon" || fail "the window has no icon: ${icon:-no window}"
pass "window icon set; $wmclass"

# The keychain and the network from inside the frozen app, on a private session bus
# with an unlocked GNOME Keyring (the password only unlocks this throwaway keyring).
export -f clean clean_bg pass fail
export BIN WORK
dbus-run-session -- bash -euo pipefail -c '
    export XDG_DATA_HOME="$WORK/keyring"
    echo -n ci-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    TOKEN="tok-$RANDOM$RANDOM"
    # The demo API from the installed binary itself, answering 401 without the token.
    clean_bg "$BIN" demo-server --require-token "$TOKEN" >"$WORK/demo.out" 2>&1 &
    DEMO=$!
    trap "kill $DEMO 2>/dev/null || true" EXIT
    for _ in $(seq 100); do grep -q "Demo API on" "$WORK/demo.out" && break; sleep 0.1; done
    URL="$(sed -n "s/^Demo API on \(http[^ ]*\).*/\1/p" "$WORK/demo.out")"
    [ -n "$URL" ] || fail "demo-server did not start: $(cat "$WORK/demo.out")"
    pass "demo-server: $URL"

    cd "$WORK"
    clean "$BIN" import --from curl \
        "curl -H '\''Authorization: Bearer $TOKEN'\'' $URL/products?per_page=2" -o shop.json \
        2>"$WORK/import.err"
    grep -q "AUTH_TOKEN (The bearer token of API .*): stored in the keychain" "$WORK/import.err" \
        || fail "import did not store the token in the keychain: $(cat "$WORK/import.err")"
    ! grep -q "$TOKEN" shop.json || fail "the token was written to the workspace file"
    pass "import --from curl (token detected, stored in the keychain, not in the file)"

    # The import put the token into the keychain under the service of the workspace and the
    # secret reference of the API token; init reads it from there.
    WS_ID="$(grep -o "\"id\": \"[^\"]*\"" shop.json | sed -n "1s/.*: \"\(.*\)\"/\1/p")"
    API_ID="$(grep -o "\"id\": \"[^\"]*\"" shop.json | sed -n "2s/.*: \"\(.*\)\"/\1/p")"
    [ "$(secret-tool lookup service "connector-designer:$WS_ID" username "$API_ID/auth.token")" = "$TOKEN" ] \
        || fail "the keychain holds no token under connector-designer:$WS_ID"
    out="$(clean "$BIN" init shop.json)"
    grep -q "^200 OK" <<<"$out" || fail "init with the keychain: $out"
    pass "init, token from the keychain: $(head -1 <<<"$out")"

    # The environment variable CD_SECRET_<API>_AUTH_TOKEN works as well, and wins.
    secret-tool clear service "connector-designer:$WS_ID" username "$API_ID/auth.token"
    if out="$(clean "$BIN" init shop.json 2>&1)"; then fail "init without any token: $out"; fi
    grep -q "bearer token but none is set" <<<"$out" || fail "init without any token: $out"
    pass "init without the token fails with one line"
    # The variable'"'"'s name, as the curl export spells it.
    VAR="$(clean "$BIN" export shop.json --to curl | grep -o "CD_SECRET_[A-Z0-9_]*_AUTH_TOKEN" | head -1)"
    [ -n "$VAR" ] || fail "the curl export names no CD_SECRET_ variable"
    out="$(clean "$VAR=$TOKEN" "$BIN" init shop.json)"
    grep -q "^200 OK" <<<"$out" || fail "init with $VAR: $out"
    pass "init, token from $VAR: $(head -1 <<<"$out")"
'

dpkg -r connector-designer >/dev/null
INSTALLED=""
[ ! -e /opt/connector-designer ] || fail "/opt/connector-designer is left after dpkg -r"
[ ! -e "$BIN" ] || fail "$BIN is left after dpkg -r"
[ ! -e "/usr/share/applications/$APP_ID.desktop" ] || fail "the desktop entry is left"
! grep -q "x-connector-designer" /usr/share/mime/types || fail "the MIME types are left"
pass "dpkg -r removes it"
echo "packaging: $(wc -l <"$WORK/passed") passed, 0 failed"
