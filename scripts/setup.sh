#!/usr/bin/env bash
# Builds .venv in the checkout with everything DocNook needs, from nothing, and the system
# libraries Qt's window needs. Safe to re-run: each step is skipped when its result is already
# in place. `--test` (make test) also installs what the real-desktop test drives the window
# with: Xvfb, xdotool and ImageMagick's import.
set -euo pipefail
cd "$(dirname "$0")/.."
WITH_TEST_TOOLS=0
[ "${1:-}" = "--test" ] && WITH_TEST_TOOLS=1

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
# DOCNOOK_VENV builds a second environment beside the checkout's own (to try a new build).
VENV=${DOCNOOK_VENV:-.venv}
LLAMA_BACKEND=${DOCNOOK_LLAMA_BACKEND:-vulkan}

# llama.cpp's Vulkan build needs the loader's headers, the shader compiler and the SPIR-V
# headers; the tests need Mesa's software Vulkan driver (lavapipe), a Vulkan device on any
# machine (tests/integration/test_gpu_offload.py).
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  missing=()
  if [ "$LLAMA_BACKEND" = vulkan ]; then
    [ -e /usr/include/vulkan/vulkan.hpp ] || missing+=(libvulkan-dev)
    command -v glslc >/dev/null 2>&1 || missing+=(glslc)
    [ -d /usr/include/spirv ] || missing+=(spirv-headers)
  fi
  ls /usr/share/vulkan/icd.d/lvp_icd.*.json >/dev/null 2>&1 || missing+=(mesa-vulkan-drivers)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing the Vulkan build tools and driver (${missing[*]})"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      "${missing[@]}" >/dev/null
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check -q)
"${PIP[@]}" install --upgrade pip wheel setuptools

# llama-cpp-python: portable CPU code plus Vulkan, built once and cached (scripts/llama_wheel.sh).
llama_dir=$(./scripts/llama_wheel.sh "$VENV/bin/python")

# torch first and pinned: an unpinned torch drags in a multi-GB CUDA build.
"${PIP[@]}" install -c constraints.txt "torch==2.13.0"
# A venv made before may hold another build of the same version, which pip would keep: the
# build installed is remembered, and a different one replaces it.
if [ "$(cat "$VENV/.docnook-llama" 2>/dev/null)" != "$llama_dir" ]; then
  "${PIP[@]}" install -c constraints.txt --force-reinstall --no-deps \
    "$llama_dir"/llama_cpp_python-*.whl
  echo "$llama_dir" >"$VENV/.docnook-llama"
fi
"${PIP[@]}" install -c constraints.txt "$llama_dir"/llama_cpp_python-*.whl
"${PIP[@]}" install -c constraints.txt -e ".[dev]"

# System packages are only ever installed as root with apt-get or dnf; otherwise setup says
# which command would, and carries on (the command line needs none of them).
as_root=0
[ "$(id -u)" = 0 ] && as_root=1
apt_updated=0
apt_update() {
  if [ "$apt_updated" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt_updated=1
  fi
}

# Qt's window needs system libraries that a server-style install lacks: the X11 (xcb) and
# Wayland platform plugins and their integrations load libxcb-icccm, libxcb-cursor,
# libxkbcommon-x11, libwayland-cursor and more, besides EGL, GL, fontconfig and D-Bus. Which
# ones is read from the installed plugins themselves (ldd, then dpkg/apt-cache or the RPM
# soname), never from a hand-kept list: `python -m docnook.gui.preflight --install-command`.
desktop_command() { "$VENV/bin/python" -m docnook.gui.preflight --install-command; }
desktop_install=$(desktop_command || true)
export DEBIAN_FRONTEND=noninteractive
if [ -n "$desktop_install" ] && [ "$as_root" = 1 ]; then
  apt_update || true
  desktop_install=$(desktop_command || true) # with a fresh package index, the names are checked
  echo "setup: installing the system libraries Qt's window needs: $desktop_install"
  eval "$desktop_install -q" >/dev/null ||
    echo "setup: that failed; the window may not open until it is done (docnook works without)"
elif [ -n "$desktop_install" ]; then
  echo "setup: DocNook's window needs system libraries this computer lacks; install them with:"
  echo "  $desktop_install"
fi

# OCR of scanned pages: Tesseract's language data (English, German, French, and the
# Latin-script model for the other European languages), and Debian's libtesseract, twice as
# fast as the Tesseract compiled into PyMuPDF (which DocNook uses where the library is missing).
tessdata=()
ldconfig -p 2>/dev/null | grep -q 'libtesseract\.so\.5 ' || tessdata+=(libtesseract5)
for lang in eng deu fra; do
  ls /usr/share/tesseract-ocr/*/tessdata/$lang.traineddata >/dev/null 2>&1 || tessdata+=("tesseract-ocr-$lang")
done
ls /usr/share/tesseract-ocr/*/tessdata/Latin.traineddata >/dev/null 2>&1 || tessdata+=(tesseract-ocr-script-latn)
if [ ${#tessdata[@]} -gt 0 ] && [ "$as_root" = 1 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing Tesseract's language data for OCR (${tessdata[*]})"
  apt_update || true
  apt-get install -y -qq --no-install-recommends "${tessdata[@]}" >/dev/null ||
    echo "setup: that failed; scanned pages stay unread until it is done"
elif [ ${#tessdata[@]} -gt 0 ]; then
  echo "setup: scanned pages need Tesseract's language data; install it with:"
  echo "  sudo apt-get install ${tessdata[*]}"
fi

if [ "$WITH_TEST_TOOLS" = 1 ]; then
  tools=()
  command -v Xvfb >/dev/null 2>&1 || tools+=(xvfb)
  command -v xdotool >/dev/null 2>&1 || tools+=(xdotool)
  command -v import >/dev/null 2>&1 || tools+=(imagemagick)
  if [ ${#tools[@]} -gt 0 ] && [ "$as_root" = 1 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing the real-desktop test's tools (${tools[*]})"
    apt_update
    apt-get install -y -qq --no-install-recommends "${tools[@]}" >/dev/null
  elif [ ${#tools[@]} -gt 0 ]; then
    echo "setup: the real-desktop test skips without ${tools[*]} (Debian packages; install as root)"
  fi
fi
echo "setup: ready ($VENV)"
