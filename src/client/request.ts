/** One HTTP call to a voxfleet server: a failure becomes the server's error, with its code. */
import { VoxfleetError, errorFromWire, toVoxfleetError } from '../core/index.js';

export async function request(url: URL, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    // An abort is the caller's decision (a deadline, a cancel), not an unreachable server.
    if (init.signal?.aborted === true) throw toVoxfleetError(init.signal.reason);
    throw new VoxfleetError('NOT_READY', `cannot reach ${url.origin}: ${(err as Error).message}`);
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: Record<string, unknown> };
    throw errorFromWire(body.error ?? { code: 'INTERNAL', message: `HTTP ${res.status}` });
  }
  return res;
}
