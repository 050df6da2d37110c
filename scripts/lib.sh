# Shared set-up for the project's scripts: source it, don't run it.
#
# Finds or installs everything a build needs, on a machine with rustup's wasm32 target or on
# one without (Debian's rustc-web route, see docs/design/build.md), and caches the tools
# outside the clone so later runs and CI are warm.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MINGCHU_CACHE="${MINGCHU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mingchu}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$MINGCHU_CACHE/target}"
SITE_ROOT="$ROOT/target/site"
mkdir -p "$MINGCHU_CACHE" "$CARGO_TARGET_DIR"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# Runs a command as root (directly, or through sudo).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root to run: $*"; fi
}

APT_UPDATED=0
# Installs the Debian packages that are not installed yet.
need_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "please install: ${missing[*]} (no apt-get on this machine)"
  log "installing Debian packages: ${missing[*]}"
  if [ "$APT_UPDATED" -eq 0 ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Chooses the compiler for both halves of the workspace and exports:
#   WASM_ROUTE (rustup|debian), CARGO, WASM_BUILD_STD (extra cargo args for the wasm build).
setup_toolchain() {
  has_wasm_std() {
    local dir
    dir="$("$1" --print target-libdir --target wasm32-unknown-unknown 2>/dev/null)" || return 1
    compgen -G "$dir/libstd-*.rlib" >/dev/null
  }
  if command -v rustc >/dev/null && [ "$(command -v rustc)" != /usr/bin/rustc ] && has_wasm_std rustc; then
    WASM_ROUTE=rustup
  elif command -v rustup >/dev/null && ! [ -x /usr/bin/rustc ] \
      && timeout 60 rustup target add wasm32-unknown-unknown >/dev/null 2>&1 && has_wasm_std rustc; then
    WASM_ROUTE=rustup
  else
    # No wasm32 standard library from rustup: use Debian's Rust 1.96 with its std source and
    # build std for wasm32 ourselves (-Z build-std), linking with LLVM 22's wasm-ld.
    need_apt rustc-web cargo-web rust-web-src lld-22
    WASM_ROUTE=debian
    export PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=/usr/lib/llvm-22/bin/wasm-ld
  fi
  # OpenH264 (the synthetic cameras, snapshots) uses its assembly kernels when nasm is on PATH at
  # build time, about 1.5x faster than its plain C; without apt it still builds, only slower.
  if command -v apt-get >/dev/null; then need_apt nasm; fi
  CARGO="$(command -v cargo)"
  if [ "$WASM_ROUTE" = debian ]; then WASM_BUILD_STD=(-Zbuild-std=std,panic_abort); else WASM_BUILD_STD=(); fi
  export WASM_ROUTE CARGO
}

# Node.js and the npm packages (binaryen's wasm-opt, playwright-core).
setup_node() {
  command -v npm >/dev/null || need_apt nodejs npm
  if [ ! -d "$ROOT/node_modules" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    log "installing npm packages"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# wasm-bindgen-cli at exactly the version in Cargo.lock, cached outside the clone.
setup_wasm_bindgen() {
  local version
  version="$(grep -A1 '^name = "wasm-bindgen"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p')"
  [ -n "$version" ] || die "wasm-bindgen is not in Cargo.lock"
  local root="$MINGCHU_CACHE/tools/wasm-bindgen-$version"
  if [ ! -x "$root/bin/wasm-bindgen" ]; then
    log "installing wasm-bindgen-cli $version (once; a few minutes)"
    # Without --locked: its lock file names a crate version the registry no longer serves.
    "$CARGO" install wasm-bindgen-cli --version "=$version" --root "$root" --quiet
  fi
  WASM_BINDGEN="$root/bin/wasm-bindgen"
}

# Chromium for the end-to-end tests.
setup_browser() {
  if [ -z "${CHROMIUM:-}" ]; then
    # A CJK font, so pages lay out (and screenshots read) as they do on a phone.
    need_apt chromium fonts-wqy-zenhei
    export CHROMIUM=/usr/bin/chromium
  fi
}

# GStreamer's RTSP server for scripts/rtsp-camera.py, the real camera of the live-video tests;
# it runs on Debian's /usr/bin/python3 (PyGObject).
setup_rtsp_camera() {
  need_apt python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good \
    gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad gstreamer1.0-libav
}

# Starts `mingchu serve --demo` (the binary in $1) on free ports with a temporary database, waits
# until it listens, and stops it when the calling script exits. Sets SERVER_URL.
start_demo_server() {
  SERVER_TMP="$(mktemp -d)"
  "$1" serve --demo --bind 127.0.0.1:0 --webrtc-bind 127.0.0.1:0 --site-root "$SITE_ROOT" \
    --data-dir "$SERVER_TMP/data" 2> "$SERVER_TMP/server.log" &
  SERVER_PID=$!
  trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; rm -rf "$SERVER_TMP"' EXIT
  SERVER_URL="$(server_url "$SERVER_TMP/server.log" "$SERVER_PID")"
}

# The address a server started with process id $2 logs to $1 ("listening on http://…"), once it
# does (up to 30 s); dies with the log if it exits or never says.
server_url() {
  local log="$1" pid="$2" url=""
  for _ in $(seq 1 150); do
    url="$(grep -o 'listening on http://[0-9.:]*' "$log" | head -n1 | sed 's/^listening on //')" || true
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  [ -n "$url" ] || { cat "$log" >&2; die "the server did not start"; }
  echo "$url"
}

# `cargo fmt --check` and clippy with warnings as errors, with the first toolchain that has
# both (rustup's; Debian's rustc-web ships neither).
run_lints() {
  local cargo
  for cargo in "$HOME/.cargo/bin/cargo" "$(command -v cargo)"; do
    if [ -x "$cargo" ] && "$cargo" fmt --version >/dev/null 2>&1 && "$cargo" clippy --version >/dev/null 2>&1; then
      (cd "$ROOT" && "$cargo" fmt --all -- --check) || die "code is not formatted: run cargo fmt --all"
      (cd "$ROOT" && env -u RUSTC "$cargo" clippy --workspace --all-targets --quiet -- -D warnings) \
        || die "clippy found problems (above)"
      return 0
    fi
  done
  if command -v rustup >/dev/null && rustup component add rustfmt clippy >/dev/null 2>&1; then
    run_lints
    return
  fi
  log "warning: no toolchain with rustfmt and clippy here; lints skipped (install rustup's components)"
}
