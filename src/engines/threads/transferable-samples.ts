/**
 * Hands audio to a thread without copying it where that is safe, and with exactly one copy where
 * it is not.
 *
 * - A Float32Array that is its whole ArrayBuffer (`AudioHistory.slice`, a resampler's output) is
 *   transferred: the thread receives the same memory and the caller's array is detached (length 0)
 *   from the moment it is sent. The caller gives the audio away with the call.
 * - A view into a larger buffer (`subarray` of a whole file's audio) is copied once into a fresh
 *   buffer, which is then transferred. Transferring the view's buffer would detach the whole
 *   file's audio under every other chunk still reading it, and posting the view without a
 *   transfer would structured-clone its *entire* underlying buffer (measured: a 10-sample view of
 *   a 4 MB buffer arrives with its 4 MB buffer), so the one copy of just the view is the cheapest
 *   safe option.
 * - A view on a SharedArrayBuffer is posted as is: the thread reads the same shared memory, no
 *   copy and no detach; the caller must not write that range until the decode settles.
 *
 * Buffers that V8 cannot detach (native external memory, Node's pooled Buffer slabs) are copied by
 * postMessage itself, silently (Node 20); they stay usable for the caller.
 */
export interface SamplesToPost {
  /** The array to put in the message. */
  readonly samples: Float32Array;
  /** The transfer list for postMessage. */
  readonly transfer: ArrayBuffer[];
}

export function prepareSamplesToPost(samples: Float32Array): SamplesToPost {
  const buffer = samples.buffer;
  if (typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer) {
    return { samples, transfer: [] };
  }
  if (samples.byteOffset === 0 && samples.byteLength === buffer.byteLength) {
    return { samples, transfer: [buffer as ArrayBuffer] };
  }
  const copy = samples.slice();
  return { samples: copy, transfer: [copy.buffer] };
}
