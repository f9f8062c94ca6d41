#!/usr/bin/env bash
# Builds DocNook's one llama-cpp-python wheel, once, and prints the folder that holds it.
#
#   scripts/llama_wheel.sh PYTHON      (a Python with pip; setup.sh and the Linux installer use it)
#
# llama.cpp's default native build uses whatever the build CPU has (AMX, AVX-512) and crashes
# elsewhere, including on some CPUs it was built on. An installer must run on CPUs it never saw,
# so the portable flags are the only CPU build we make. The Vulkan backend rides along: one
# binary that offloads to NVIDIA, AMD and Intel GPUs and runs on the CPU where no Vulkan device
# exists. DOCNOOK_LLAMA_BACKEND=cpu builds without it, where the Vulkan build tools cannot be had.
#
# The wheel is cached in DOCNOOK_WHEEL_CACHE (~/.cache/docnook-build) under a key made of the
# version, the flags and the patch, so a wheel built otherwise is never picked up by mistake
# (pip's own cache keys on the sdist alone). Progress goes to stderr, the folder to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=$1

LLAMA_VERSION=0.3.36
LLAMA_BACKEND=${DOCNOOK_LLAMA_BACKEND:-vulkan}
LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
# Debian 12's Vulkan headers (1.3.239) lack VK_EXT_layer_settings, which ggml-vulkan.cpp uses
# only to tune the validation layer of debug builds; this patch compiles that block only where
# the headers have it. Patching the pinned sdist keeps the system's headers, which match its
# loader and glslc; newer Khronos headers would be one more thing to fetch and keep in step.
LLAMA_PATCH=scripts/patches/llama-cpp-python-vulkan-old-headers.patch
case "$LLAMA_BACKEND" in
  vulkan)
    LLAMA_CMAKE_ARGS="$LLAMA_CMAKE_ARGS -DGGML_VULKAN=ON"
    patch_hash=$(sha256sum "$LLAMA_PATCH" | cut -c1-12)
    ;;
  cpu) patch_hash=none ;;
  *)
    echo "DOCNOOK_LLAMA_BACKEND must be vulkan or cpu, not $LLAMA_BACKEND." >&2
    exit 1
    ;;
esac
WHEEL_CACHE=${DOCNOOK_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/docnook-build}
flags_key=$(printf '%s' "$LLAMA_VERSION $LLAMA_CMAKE_ARGS $patch_hash" | sha256sum | cut -c1-12)
llama_dir="$WHEEL_CACHE/llama-$flags_key"

if ! ls "$llama_dir"/llama_cpp_python-*.whl >/dev/null 2>&1; then
  if [ "$LLAMA_BACKEND" = vulkan ] && ! { [ -e /usr/include/vulkan/vulkan.hpp ] &&
    command -v glslc >/dev/null 2>&1 && [ -d /usr/include/spirv ]; }; then
    echo "The Vulkan build of llama.cpp needs libvulkan-dev, glslc and spirv-headers:" \
      "install them (apt-get install libvulkan-dev glslc spirv-headers), or set" \
      "DOCNOOK_LLAMA_BACKEND=cpu for a CPU-only build." >&2
    exit 1
  fi
  echo "setup: building llama-cpp-python $LLAMA_VERSION ($LLAMA_BACKEND, portable CPU flags;" \
    "about 10 minutes on 2 cores, once)" >&2
  src_dir=$(mktemp -d)
  trap 'rm -rf "$src_dir"' EXIT
  PIP=("$PYTHON" -m pip --disable-pip-version-check -q)
  "${PIP[@]}" download --no-deps --no-binary llama-cpp-python -d "$src_dir" \
    "llama-cpp-python==$LLAMA_VERSION" >&2
  tar -xzf "$src_dir/llama_cpp_python-$LLAMA_VERSION.tar.gz" -C "$src_dir"
  sdist="$src_dir/llama_cpp_python-$LLAMA_VERSION"
  if [ "$LLAMA_BACKEND" = vulkan ]; then
    patch -s -p1 -d "$sdist" <"$LLAMA_PATCH"
  fi
  # Built beside the cache and moved in whole, so an interrupted build leaves no wheel behind.
  CMAKE_ARGS="$LLAMA_CMAKE_ARGS" FORCE_CMAKE=1 "${PIP[@]}" wheel --no-deps --no-cache-dir \
    -w "$src_dir/wheel" "$sdist" >&2
  mkdir -p "$llama_dir"
  mv "$src_dir"/wheel/llama_cpp_python-*.whl "$llama_dir/"
fi
echo "$llama_dir"
