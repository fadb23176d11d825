/** What every /v1/listen session must look like, however it was served (embedded, NATS, failover). */
import assert from 'node:assert/strict';
import type { StreamEvent } from '../../src/core/index.js';
import { finalsOf } from './recorded-audio.js';

/**
 * The session ended with `closed`; stable_text only grew within an utterance and each partial's
 * text starts with it (docs/streaming.md); finals are in order and never overlap (none repeated).
 */
export function assertWellFormedStream(events: readonly StreamEvent[]): void {
  assert.equal(events.at(-1)?.type, 'closed');
  let stable = '';
  for (const e of events) {
    if (e.type === 'partial') {
      assert.ok(
        e.stable_text.startsWith(stable),
        `stable shrank: "${stable}" -> "${e.stable_text}"`,
      );
      assert.ok(e.text.startsWith(e.stable_text));
      stable = e.stable_text;
    } else if (e.type === 'final' || e.type === 'utterance_end') stable = '';
  }
  const finals = finalsOf(events);
  for (let i = 1; i < finals.length; i++)
    assert.ok(
      finals[i]!.start_s >= finals[i - 1]!.end_s - 1e-6,
      'finals overlap or are out of order (one repeated?)',
    );
}
