#!/usr/bin/env bash
# Installs Debian's nats-server when it is missing (the NATS fabric's tests start real servers;
# test/helpers/nats-server.ts also looks in /usr/sbin, where Debian puts it). Needs root or sudo.
set -euo pipefail
if command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || [ -n "${NATS_SERVER_BIN:-}" ]; then
  exit 0
fi
echo "ensure-nats-server: installing Debian's nats-server with apt-get" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "ensure-nats-server: need root or sudo to apt-get install nats-server" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
"${sudo_cmd[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends nats-server
