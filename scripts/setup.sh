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
VENV=.venv
# llama.cpp's default native build uses whatever the build CPU has (AMX, AVX-512) and crashes
# elsewhere, including on some CPUs it was built on. An installer must run on CPUs it never saw,
# so the portable flags are the only build we make.
LLAMA_VERSION=0.3.36
LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
WHEEL_CACHE=${DOCNOOK_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/docnook-build}
flags_key=$(printf '%s' "$LLAMA_VERSION $LLAMA_CMAKE_ARGS" | sha256sum | cut -c1-12)
llama_dir="$WHEEL_CACHE/llama-$flags_key"

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check -q)
"${PIP[@]}" install --upgrade pip wheel setuptools

# The cached wheel is keyed by version and build flags, so a wheel built natively can never
# be picked up by mistake (pip's own cache keys on the sdist alone).
if ! ls "$llama_dir"/llama_cpp_python-*.whl >/dev/null 2>&1; then
  echo "setup: building llama-cpp-python $LLAMA_VERSION portably (about 5 minutes, once)"
  mkdir -p "$llama_dir"
  CMAKE_ARGS="$LLAMA_CMAKE_ARGS" FORCE_CMAKE=1 "${PIP[@]}" wheel --no-deps --no-cache-dir \
    --no-binary llama-cpp-python -w "$llama_dir" "llama-cpp-python==$LLAMA_VERSION"
fi

# torch first and pinned: an unpinned torch drags in a multi-GB CUDA build.
"${PIP[@]}" install -c constraints.txt "torch==2.13.0"
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
