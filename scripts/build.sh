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
# wasm-bindgen's output before it is named into the site.
BINDGEN_OUT="$CARGO_TARGET_DIR/mingchu-bindgen"
log "toolchain: $WASM_ROUTE ($("$CARGO" --version)); target dir $CARGO_TARGET_DIR"

build_wasm() {
  log "building the WebAssembly bundle"
  (cd "$ROOT" && env ${WASM_BUILD_STD:+RUSTC_BOOTSTRAP=1} "$CARGO" build --quiet -p app --lib \
    --target wasm32-unknown-unknown --profile wasm-release --no-default-features --features hydrate \
    "${WASM_BUILD_STD[@]}")
  local wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/app.wasm"
  local out="$BINDGEN_OUT" stamp="$BINDGEN_OUT/.source"
  mkdir -p "$out"
  # wasm-bindgen + wasm-opt take a while: redo them only when the compiled module changed.
  local sum
  sum="$(sha256sum "$wasm" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ] || [ ! -f "$out/mingchu.wasm" ]; then
    "$WASM_BINDGEN" --target web --no-typescript --out-dir "$out" --out-name mingchu "$wasm"
    mv "$out/mingchu_bg.wasm" "$out/mingchu.wasm"
    # Debian's binaryen 108 corrupts this output; the npm package's wasm-opt is known good.
    "$ROOT/node_modules/.bin/wasm-opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
      --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
      "$out/mingchu.wasm" -o "$out/mingchu.wasm"
    echo "$sum" > "$stamp"
  fi
}

# The bundle (JS + WebAssembly) and the stylesheet go into the site under one content-hashed
# name, `pkg/mingchu-<16 hex>.{js,wasm,css}`, written to `pkg/asset-name` for the server:
# browsers may keep them for a year, and a new build is a new name (docs/design/build.md).
build_assets() {
  local pkg="$SITE_ROOT/pkg"
  mkdir -p "$pkg"
  local hash name
  hash="$(cat "$BINDGEN_OUT/mingchu.js" "$BINDGEN_OUT/mingchu.wasm" "$ROOT/style/main.css" | sha256sum | cut -c1-16)"
  name="mingchu-$hash"
  # wasm-bindgen puts inline JS of dependencies in snippets/: not copied here, so refuse it.
  [ ! -e "$BINDGEN_OUT/snippets" ] || die "wasm-bindgen wrote snippets/: scripts/build.sh must copy them into pkg/"
  if [ "$(cat "$pkg/asset-name" 2>/dev/null)" != "$name" ] || [ ! -f "$pkg/$name.wasm.br" ]; then
    # New files first, then the name (atomically); the previous build's files stay (a server
    # started before this build still links them), older ones go.
    local previous
    previous="$(cat "$pkg/asset-name" 2>/dev/null || echo none)"
    cp "$BINDGEN_OUT/mingchu.js" "$pkg/$name.js"
    cp "$BINDGEN_OUT/mingchu.wasm" "$pkg/$name.wasm"
    cp "$ROOT/style/main.css" "$pkg/$name.css"
    node "$ROOT/scripts/compress.mjs" "$pkg"
    echo "$name" > "$pkg/asset-name.new"
    mv "$pkg/asset-name.new" "$pkg/asset-name"
    find "$pkg" -maxdepth 1 \( -name 'mingchu.*' -o -name 'mingchu-*' \) ! -name "$name.*" ! -name "$previous.*" -delete
  fi
  cp -r "$ROOT/public/." "$SITE_ROOT/"
}

build_server() {
  log "building the server ($PROFILE)"
  (cd "$ROOT" && "$CARGO" build --quiet -p server --bin mingchu --profile "$PROFILE")
}

build_wasm
build_assets
build_server
log "site: $SITE_ROOT; server: $CARGO_TARGET_DIR/$([ "$PROFILE" = dev ] && echo debug || echo release)/mingchu"
