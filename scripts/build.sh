#!/usr/bin/env bash
# Builds the site (WebAssembly bundle, CSS, public files) and the `mingchu` server.
#   scripts/build.sh            debug server (what the tests use)
#   scripts/build.sh --release  optimised server (what scripts/run.sh uses)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PROFILE=dev
[ "${1:-}" = "--release" ] && PROFILE=release

setup_toolchain
setup_node
setup_wasm_bindgen
log "toolchain: $WASM_ROUTE ($("$CARGO" --version)); target dir $CARGO_TARGET_DIR"

build_wasm() {
  log "building the WebAssembly bundle"
  (cd "$ROOT" && env ${WASM_BUILD_STD:+RUSTC_BOOTSTRAP=1} "$CARGO" build --quiet -p app --lib \
    --target wasm32-unknown-unknown --profile wasm-release --no-default-features --features hydrate \
    "${WASM_BUILD_STD[@]}")
  local wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/app.wasm"
  local pkg="$SITE_ROOT/pkg" stamp="$SITE_ROOT/pkg/.source"
  mkdir -p "$pkg"
  # wasm-bindgen + wasm-opt take a while: redo them only when the compiled module changed.
  local sum
  sum="$(sha256sum "$wasm" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ] || [ ! -f "$pkg/mingchu.wasm" ]; then
    "$WASM_BINDGEN" --target web --no-typescript --out-dir "$pkg" --out-name mingchu "$wasm"
    mv "$pkg/mingchu_bg.wasm" "$pkg/mingchu.wasm"
    # Debian's binaryen 108 corrupts this output; the npm package's wasm-opt is known good.
    "$ROOT/node_modules/.bin/wasm-opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
      --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
      "$pkg/mingchu.wasm" -o "$pkg/mingchu.wasm"
    echo "$sum" > "$stamp"
  fi
}

build_assets() {
  mkdir -p "$SITE_ROOT/pkg"
  cp "$ROOT/style/main.css" "$SITE_ROOT/pkg/mingchu.css"
  cp -r "$ROOT/public/." "$SITE_ROOT/"
  node "$ROOT/scripts/compress.mjs" "$SITE_ROOT/pkg"
}

build_server() {
  log "building the server ($PROFILE)"
  (cd "$ROOT" && "$CARGO" build --quiet -p server --bin mingchu --profile "$PROFILE")
}

build_wasm
build_assets
build_server
log "site: $SITE_ROOT; server: $CARGO_TARGET_DIR/$([ "$PROFILE" = dev ] && echo debug || echo release)/mingchu"
