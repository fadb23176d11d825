#!/usr/bin/env bash
# Installs Debian's chromium when no Chromium is on the PATH (the browser tests and
# `npm run docs:screenshots` drive it with playwright-core). Needs root or sudo for apt-get.
set -euo pipefail
for name in chromium chromium-browser google-chrome; do
  if command -v "$name" >/dev/null 2>&1; then exit 0; fi
done
echo "ensure-chromium: installing Debian's chromium with apt-get" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "ensure-chromium: need root or sudo to apt-get install chromium" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
"${sudo_cmd[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends chromium
