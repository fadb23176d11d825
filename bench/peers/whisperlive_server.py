"""Starts WhisperLive's WebSocket server on a loopback port, faster_whisper backend, one shared
local CTranslate2 model. The PyPI wheel ships no server script, so this calls the package's
TranscriptionServer.run. Nothing is downloaded: HF_HUB_OFFLINE is set and the model is a folder.

    python whisperlive_server.py --port 9090 --model-dir DIR [--max-clients 4]
"""

import argparse
import ipaddress
import logging
import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--model-dir", required=True, help="CTranslate2 Whisper model folder")
    parser.add_argument("--max-clients", type=int, default=4)
    args = parser.parse_args()
    if not ipaddress.ip_address(args.host).is_loopback:
        print(f"refusing to listen on {args.host}: loopback only", file=sys.stderr)
        return 2
    if not os.path.isfile(os.path.join(args.model_dir, "model.bin")):
        print(f"no model.bin in {args.model_dir}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    from whisper_live.server import TranscriptionServer

    TranscriptionServer().run(
        args.host,
        args.port,
        backend="faster_whisper",
        faster_whisper_custom_model_path=args.model_dir,
        single_model=True,
        max_clients=args.max_clients,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
