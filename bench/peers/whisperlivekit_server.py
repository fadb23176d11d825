"""Starts WhisperLiveKit's server on a loopback port: faster-whisper backend, LocalAgreement
policy, raw PCM input (s16le, 16 kHz) and a local CTranslate2 model. Nothing is downloaded:
HF_HUB_OFFLINE is set, the model is a folder and the warm-up clip a local WAV.

    python whisperlivekit_server.py --port 8000 --model-dir DIR --warmup-file WAV [--language en]
"""

import argparse
import ipaddress
import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--model-dir", required=True, help="CTranslate2 Whisper model folder")
    parser.add_argument("--warmup-file", required=True, help="a local WAV to warm the model up")
    parser.add_argument("--language", default="en")
    args = parser.parse_args()
    if not ipaddress.ip_address(args.host).is_loopback:
        print(f"refusing to listen on {args.host}: loopback only", file=sys.stderr)
        return 2
    for path in (os.path.join(args.model_dir, "model.bin"), args.warmup_file):
        if not os.path.isfile(path):
            print(f"missing {path}", file=sys.stderr)
            return 2

    # whisperlivekit.basic_server reads its options from sys.argv when imported.
    sys.argv = [
        "whisperlivekit-server",
        "--host", args.host,
        "--port", str(args.port),
        "--backend", "faster-whisper",
        "--backend-policy", "localagreement",
        "--model_dir", args.model_dir,
        "--lan", args.language,
        "--pcm-input",
        "--warmup-file", args.warmup_file,
        "--log-level", "WARNING",
    ]
    from whisperlivekit.basic_server import main as serve

    serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
