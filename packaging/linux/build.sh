#!/usr/bin/env bash
# Builds DocNook's Linux installers into dist/: a .deb (installs under /opt/docnook) and a
# .tar.gz of the same folder. Run from anywhere; `make package` runs it.
#
#   1. the models to ship (packaging/prepare_models.py, in the development venv .venv, which
#      has torch to build the ONNX embedding model once);
#   2. a separate build venv (build/pkg-venv) with only what the app runs on, llama-cpp-python
#      from the portable wheel, and PyInstaller: torch never enters it, so it cannot enter the
#      bundle;
#   3. the frozen folder (packaging/docnook.spec), checked for anything that must not be in it;
#   4. the .deb (dpkg-deb) and the tarball.
#
# Environment: PYTHON (a Python 3.11 for the build venv), DOCNOOK_WHEEL_CACHE (where
# scripts/llama_wheel.sh keeps the llama-cpp-python wheel: portable CPU code plus Vulkan, the
# same wheel setup.sh installs), DOCNOOK_LLAMA_BACKEND=cpu (a CPU-only build instead),
# DOCNOOK_FLAVOUR (a suffix for the file names, e.g. cpu).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
DEV_PY=$ROOT/.venv/bin/python
BUILD=$ROOT/build
VENV=$BUILD/pkg-venv
MODELS=$BUILD/models
FREEZE=$BUILD/freeze
DIST=$ROOT/dist

VERSION=$("$PYTHON" -c "import re,sys; print(re.search(r'^version = \"(.+)\"', open('pyproject.toml').read(), re.M).group(1))")
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
FLAVOUR=${DOCNOOK_FLAVOUR:-}
NAME=docnook_${VERSION}${FLAVOUR:+-$FLAVOUR}_${ARCH}
say() { echo "package: $*"; }
t0=$SECONDS

# -- 1. models ------------------------------------------------------------------------------
if [ ! -x "$DEV_PY" ]; then
  say "no development venv: running scripts/setup.sh first"
  ./scripts/setup.sh
fi
# The ONNX model is cached in the build folder, not in the builder's own DocNook cache.
DOCNOOK_CACHE_DIR=$BUILD/model-cache "$DEV_PY" packaging/prepare_models.py "$MODELS"

# -- 2. build venv --------------------------------------------------------------------------
llama_dir=$(./scripts/llama_wheel.sh "$PYTHON")
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
# The versions the test suite ran on, where they apply (editable and direct-URL lines dropped).
"$DEV_PY" -m pip freeze --exclude-editable 2>/dev/null | grep -v ' @ ' >"$BUILD/constraints-bundle.txt"
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check -q)
stamp=$(cat packaging/requirements.txt "$BUILD/constraints-bundle.txt" | sha256sum | cut -c1-16)-$(basename "$llama_dir"/llama_cpp_python-*.whl)
if [ "$(cat "$VENV/.docnook-stamp" 2>/dev/null)" != "$stamp" ]; then
  say "installing the app's runtime and PyInstaller into $VENV"
  "${PIP[@]}" install --upgrade pip wheel
  "${PIP[@]}" install -c "$BUILD/constraints-bundle.txt" -r packaging/requirements.txt \
    "$llama_dir"/llama_cpp_python-*.whl
  echo "$stamp" >"$VENV/.docnook-stamp"
fi
"$VENV/bin/python" packaging/check_bundle.py --build-venv

# -- 3. freeze ------------------------------------------------------------------------------
say "freezing with PyInstaller"
rm -rf "$FREEZE/dist"
DOCNOOK_MODELS=$MODELS "$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
  --distpath "$FREEZE/dist" --workpath "$FREEZE/work" packaging/docnook.spec
APP=$FREEZE/dist/docnook
# Debug information is dead weight (a source-built Python's libpython alone carries 17 MB of
# it). Only the files that carry it are touched, and only it is removed: stripping more breaks
# the libraries auditwheel patched (numpy's OpenBLAS then fails to load).
find "$APP" -type f -name '*.so*' -print0 | while IFS= read -r -d '' lib; do
  # (grep reads to the end: with -q it could stop early and fail readelf under pipefail)
  if readelf -S "$lib" 2>/dev/null | grep '\.debug_info' >/dev/null; then strip --strip-debug "$lib"; fi
done
"$VENV/bin/python" packaging/check_bundle.py "$APP"

# -- 4. .deb and tarball --------------------------------------------------------------------
say "making $NAME.deb"
STAGE=$BUILD/deb/$NAME
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
  "$STAGE/usr/share/doc/docnook"
cp -a "$APP" "$STAGE/opt/docnook"
ln -s /opt/docnook/docnook "$STAGE/usr/bin/docnook"
install -m 0755 packaging/linux/docnook-gui "$STAGE/usr/bin/docnook-gui"
install -m 0644 resources/docnook.desktop "$STAGE/usr/share/applications/docnook.desktop"
for icon in resources/icons/hicolor/*/apps/docnook.png; do
  size=$(basename "$(dirname "$(dirname "$icon")")")
  install -D -m 0644 "$icon" "$STAGE/usr/share/icons/hicolor/$size/apps/docnook.png"
done
install -D -m 0644 resources/icons/docnook.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/docnook.svg"
install -m 0644 packaging/linux/copyright "$STAGE/usr/share/doc/docnook/copyright"
install -m 0644 "$MODELS/manifest.json" "$STAGE/usr/share/doc/docnook/models.json"
# Everyone may read and run the installed app; nobody but root may change it.
chmod -R u+rwX,go+rX,go-w "$STAGE"
installed_kb=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
depends=$("$VENV/bin/python" packaging/linux/deb_depends.py "$APP")
# OCR of scanned pages: Debian's libtesseract (loaded with ctypes, so deb_depends cannot see
# it; twice as fast as the Tesseract inside PyMuPDF, which stays the fallback) and its data.
depends="$depends, libtesseract5, tesseract-ocr-eng"
say "Depends: $depends"
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@INSTALLED_KB@/$installed_kb/" \
  -e "s/@DEPENDS@/$depends/" packaging/linux/deb/control >"$STAGE/DEBIAN/control"
install -m 0755 packaging/linux/deb/postinst packaging/linux/deb/postrm "$STAGE/DEBIAN/"
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -print0 | sort -z | xargs -0 md5sum |
  sed 's| \./| |' >DEBIAN/md5sums)
mkdir -p "$DIST"
# xz, which every dpkg reads, at dpkg-deb's default level 6 (DOCNOOK_XZ_LEVEL=1 builds in half
# the time for 1% more: the models, half the package, barely compress at any level).
dpkg-deb --root-owner-group -Zxz -z"${DOCNOOK_XZ_LEVEL:-6}" --threads-max="$(nproc)" \
  --build "$STAGE" "$DIST/$NAME.deb" >/dev/null

say "making docnook-$VERSION${FLAVOUR:+-$FLAVOUR}-linux-$(uname -m).tar.gz"
TAR_STAGE=$BUILD/tar/docnook-$VERSION
rm -rf "$BUILD/tar"
mkdir -p "$TAR_STAGE"
cp -a "$APP"/. "$TAR_STAGE/"
mkdir -p "$TAR_STAGE/share"
cp -a "$STAGE/usr/share/icons" "$STAGE/usr/share/applications" "$TAR_STAGE/share/"
install -m 0755 packaging/linux/install-tarball.sh "$TAR_STAGE/install.sh"
# llama.cpp's Vulkan backend links the Vulkan loader, which the .deb gets from Depends
# (libvulkan1). The tarball carries this machine's copy for systems without one; install.sh puts
# it beside llama.cpp's libraries only there (they look beside themselves first).
install -D -m 0644 "$(readlink -f "$(ldconfig -p | awk '/libvulkan\.so\.1 .*x86-64/ {print $NF; exit}')")" \
  "$TAR_STAGE/vulkan-loader/libvulkan.so.1"
tar -C "$BUILD/tar" --owner=0 --group=0 -czf "$DIST/docnook-$VERSION${FLAVOUR:+-$FLAVOUR}-linux-$(uname -m).tar.gz" "docnook-$VERSION"

say "bundle $(($(du -sb "$APP" | cut -f1) / 1000000)) MB, installed $((installed_kb * 1024 / 1000000)) MB"
ls -la "$DIST"
say "done in $((SECONDS - t0)) s"
