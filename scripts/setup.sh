#!/usr/bin/env bash
# Builds .venv in the checkout with everything DocNook needs, from nothing.
# Safe to re-run: each step is skipped when its result is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
# DOCNOOK_VENV builds a second environment beside the checkout's own (to try a new build).
VENV=${DOCNOOK_VENV:-.venv}
LLAMA_BACKEND=${DOCNOOK_LLAMA_BACKEND:-vulkan}

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
echo "setup: ready ($VENV)"
