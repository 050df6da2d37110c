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

# Each group of pages loads a bundle holding only its islands (app/src/assets.rs): built from
# the app crate with `hydrate-base` and the group's `island-*` features.
BUNDLES=(home:island-search venue:island-live,island-complaint complaint:island-complaint display:island-display
  playback:island-playback)

# Builds bundle $1 with features $2 into $BINDGEN_OUT/$1.{js,wasm}.
build_wasm() {
  local bundle="$1" features="$2"
  log "building the WebAssembly bundle: $bundle"
  (cd "$ROOT" && env ${WASM_BUILD_STD:+RUSTC_BOOTSTRAP=1} "$CARGO" build --quiet -p app --lib \
    --target wasm32-unknown-unknown --profile wasm-release --no-default-features --features "hydrate-base,$features" \
    "${WASM_BUILD_STD[@]}")
  local wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/app.wasm"
  local out="$BINDGEN_OUT" stamp="$BINDGEN_OUT/$bundle.source"
  mkdir -p "$out"
  # wasm-bindgen + wasm-opt take a while: redo them only when the compiled module changed.
  local sum
  sum="$(sha256sum "$wasm" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ] || [ ! -f "$out/$bundle.wasm" ]; then
    "$WASM_BINDGEN" --target web --no-typescript --out-dir "$out" --out-name "$bundle" "$wasm"
    mv "$out/${bundle}_bg.wasm" "$out/$bundle.wasm"
    # Debian's binaryen 108 corrupts this output; the npm package's wasm-opt is known good.
    "$ROOT/node_modules/.bin/wasm-opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
      --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
      "$out/$bundle.wasm" -o "$out/$bundle.wasm"
    echo "$sum" > "$stamp"
  fi
}

# The bundles (JS + WebAssembly) and the stylesheet go into the site under content-hashed
# names, `pkg/<bundle>-<16 hex>.{js,wasm}` and `pkg/mingchu-<16 hex>.css`, listed in the
# manifest `pkg/assets` for the server: browsers may keep them for a year, and a new build is
# a new name (docs/design/build.md).
build_assets() {
  local pkg="$SITE_ROOT/pkg"
  mkdir -p "$pkg"
  # wasm-bindgen puts inline JS of dependencies in snippets/: not copied here, so refuse it.
  [ ! -e "$BINDGEN_OUT/snippets" ] || die "wasm-bindgen wrote snippets/: scripts/build.sh must copy them into pkg/"
  local manifest name keep=()
  name="mingchu-$(sha256sum < "$ROOT/style/main.css" | cut -c1-16)"
  manifest="style $name"$'\n'
  [ -f "$pkg/$name.css" ] || cp "$ROOT/style/main.css" "$pkg/$name.css"
  keep+=("$name")
  local entry bundle
  for entry in "${BUNDLES[@]}"; do
    bundle="${entry%%:*}"
    name="$bundle-$(cat "$BINDGEN_OUT/$bundle.js" "$BINDGEN_OUT/$bundle.wasm" | sha256sum | cut -c1-16)"
    if [ ! -f "$pkg/$name.wasm" ]; then
      cp "$BINDGEN_OUT/$bundle.js" "$pkg/$name.js"
      cp "$BINDGEN_OUT/$bundle.wasm" "$pkg/$name.wasm"
    fi
    manifest+="$bundle $name"$'\n'
    keep+=("$name")
  done
  node "$ROOT/scripts/compress.mjs" "$pkg"
  if [ "$(cat "$pkg/assets" 2>/dev/null)" != "${manifest%$'\n'}" ]; then
    # New files first, then the manifest (atomically); the previous build's files stay (a
    # server started before this build still links them), older ones go.
    local previous=()
    [ -f "$pkg/assets" ] && mapfile -t previous < <(cut -d' ' -f2 "$pkg/assets")
    printf '%s' "$manifest" > "$pkg/assets.new"
    mv "$pkg/assets.new" "$pkg/assets"
    local file stem
    for file in "$pkg"/*; do
      stem="$(basename "$file")"; stem="${stem%%.*}"
      [ "$stem" = assets ] && continue
      [[ " ${keep[*]} ${previous[*]} " == *" $stem "* ]] || rm -f "$file"
    done
  fi
  rm -f "$pkg/asset-name"
  cp -r "$ROOT/public/." "$SITE_ROOT/"
}

build_server() {
  log "building the server ($PROFILE)"
  (cd "$ROOT" && "$CARGO" build --quiet -p server --bin mingchu --profile "$PROFILE")
}

for entry in "${BUNDLES[@]}"; do build_wasm "${entry%%:*}" "${entry#*:}"; done
build_assets
build_server
log "site: $SITE_ROOT; server: $CARGO_TARGET_DIR/$([ "$PROFILE" = dev ] && echo debug || echo release)/mingchu"
