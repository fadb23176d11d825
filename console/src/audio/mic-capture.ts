/**
 * Microphone to 16-bit PCM frames. The AudioContext runs at 16 kHz so the browser does the
 * resampling (no resampler of ours); an AudioWorklet converts and frames the samples off the
 * main thread.
 */
import workletUrl from './pcm-capture.worklet.ts?worker&url';

/** The models' rate; the server would resample anything else, but this saves the bandwidth. */
const CAPTURE_RATE_HZ = 16_000;

export interface MicCapture {
  /** The rate the frames are at (what the browser granted). */
  readonly sampleRateHz: number;
  stop(): Promise<void>;
}

export async function startMicCapture(onFrame: (pcm: ArrayBuffer) => void): Promise<MicCapture> {
  // No echo cancellation, noise suppression or gain control: nothing plays while capturing, and
  // Whisper copes with raw audio better than with what those filters leave of it.
  const media = await navigator.mediaDevices.getUserMedia({
    audio: {
      channelCount: 1,
      echoCancellation: false,
      noiseSuppression: false,
      autoGainControl: false,
    },
  });
  const context = new AudioContext({ sampleRate: CAPTURE_RATE_HZ });
  try {
    await context.audioWorklet.addModule(workletUrl);
    const source = context.createMediaStreamSource(media);
    // No outputs: the node is pulled by the graph without being routed to the speakers.
    const node = new AudioWorkletNode(context, 'pcm-capture', {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      channelCount: 1,
      channelCountMode: 'explicit',
    });
    node.port.onmessage = (e: MessageEvent<ArrayBuffer>) => onFrame(e.data);
    source.connect(node);
    await context.resume();
    return {
      sampleRateHz: context.sampleRate,
      async stop() {
        source.disconnect();
        node.port.onmessage = null;
        for (const track of media.getTracks()) track.stop();
        await context.close();
      },
    };
  } catch (err) {
    for (const track of media.getTracks()) track.stop();
    await context.close();
    throw err;
  }
}
