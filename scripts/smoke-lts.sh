#!/usr/bin/env bash
# Smoke test under the current Node LTS: serve, transcribe one file, synthesize one sentence,
# all through the built CLI in dist/ (the package as shipped).
set -euo pipefail
cd "$(dirname "$0")/.."
LTS_MAJOR="${VOXFLEET_LTS_MAJOR:-26}"
work="$(mktemp -d)"
trap 'kill "${server_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

npm install --no-save --no-audit --no-fund --prefix "$work/lts" "node@$LTS_MAJOR" >/dev/null
NODE_LTS="$work/lts/node_modules/node/bin/node"
echo "smoke: node $("$NODE_LTS" --version)"

shared="${VOXFLEET_SHARED_DIR:-$(cd .. && pwd)/shared}"
port=$(( 20000 + RANDOM % 20000 ))
VOXFLEET_DATA_DIR=".data/test" VOXFLEET_MODEL_MIRROR="$shared/models" \
  "$NODE_LTS" bin/voxfleet.js serve --port "$port" --log-level warn >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log"; exit 1; }
  sleep 1
done
text="$("$NODE_LTS" bin/voxfleet.js transcribe --url "http://127.0.0.1:$port" "$shared/audio/dev/jfk.wav")"
echo "smoke: transcribed: ${#text} characters"
echo "$text" | grep -qi "country" || { echo "smoke: transcript is wrong"; exit 1; }
index="$(curl -fsS "http://127.0.0.1:$port/")"
grep -q "<title>voxfleet console</title>" <<<"$index" || { echo "smoke: / does not serve the console"; exit 1; }
"$NODE_LTS" bin/voxfleet.js synthesize --url "http://127.0.0.1:$port" "The smoke test speaks." -o "$work/out.wav"
size=$(stat -c %s "$work/out.wav")
[ "$size" -gt 20000 ] || { echo "smoke: synthesized audio too small ($size bytes)"; exit 1; }
echo "smoke: ok (node $("$NODE_LTS" --version), wav $size bytes)"
