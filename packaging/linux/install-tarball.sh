#!/bin/sh
# Installs this unpacked DocNook for the current user, without root: a `docnook` and a
# `docnook-gui` command in ~/.local/bin, and a desktop menu entry with its icons.
#   ./install.sh            install (the folder stays where it is: move it first if you like)
#   ./install.sh --remove   take the commands and the menu entry away again
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${XDG_BIN_HOME:-$HOME/.local/bin}
SHARE=${XDG_DATA_HOME:-$HOME/.local/share}
if [ "${1:-}" = --remove ]; then
  rm -f "$BIN/docnook" "$BIN/docnook-gui" "$SHARE/applications/docnook.desktop"
  find "$SHARE/icons/hicolor" -name 'docnook.*' -delete 2>/dev/null || true
  echo "DocNook's commands and menu entry are removed (your library is kept)."
  exit 0
fi
# llama.cpp's Vulkan backend needs the Vulkan loader (libvulkan1, on most desktops already).
# Where the system has none, the copy shipped here goes beside llama.cpp's libraries, which
# look there first; without a GPU driver the model simply runs on the CPU.
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1 '; then
  cp "$HERE/vulkan-loader/libvulkan.so.1" "$HERE/_internal/llama_cpp/lib/"
fi
mkdir -p "$BIN" "$SHARE/applications"
ln -sf "$HERE/docnook" "$BIN/docnook"
printf '#!/bin/sh\nexec "%s/docnook" gui "$@"\n' "$HERE" >"$BIN/docnook-gui"
chmod 0755 "$BIN/docnook-gui"
sed -e "s|^Exec=docnook-gui|Exec=$BIN/docnook-gui|" -e "s|^TryExec=docnook-gui|TryExec=$BIN/docnook-gui|" \
  "$HERE/share/applications/docnook.desktop" >"$SHARE/applications/docnook.desktop"
cp -r "$HERE/share/icons" "$SHARE/"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$SHARE/applications" || true
echo "DocNook is installed: run docnook-gui, or find it in your desktop menu."
