/** The protocol behind each `--protocol` name; the CLI and the runner pick through this. */
import type { LoadtestProtocol } from '../loadtest-config.js';
import type { StreamProtocol } from './stream-protocol.js';
import { voxfleetProtocol } from './voxfleet.js';
import { whisperLiveProtocol } from './whisperlive.js';
import { whisperLiveKitProtocol } from './whisperlivekit.js';

const PROTOCOLS: Readonly<Record<LoadtestProtocol, StreamProtocol>> = Object.freeze({
  voxfleet: voxfleetProtocol,
  whisperlive: whisperLiveProtocol,
  whisperlivekit: whisperLiveKitProtocol,
});

export function streamProtocolFor(name: LoadtestProtocol): StreamProtocol {
  return PROTOCOLS[name];
}
