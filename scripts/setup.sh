#!/usr/bin/env bash
# Builds .venv in the checkout with everything DocNook needs, from nothing.
# Safe to re-run: each step is skipped when its result is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

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

# Qt needs a few system libraries that a minimal Debian lacks; install them when missing.
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  missing=()
  for lib in libEGL.so.1 libGL.so.1 libxkbcommon.so.0 libfontconfig.so.1 libdbus-1.so.3; do
    ldconfig -p | grep -q "$lib" || missing+=("$lib")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing system libraries for Qt (${missing[*]})"
    apt-get update -qq && apt-get install -y -qq libegl1 libgl1 libxkbcommon0 \
      libfontconfig1 libdbus-1-3 >/dev/null
  fi
fi

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
echo "setup: ready ($VENV)"
