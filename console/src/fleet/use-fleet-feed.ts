/**
 * The fleet view's data: GET /v1/fleet/events (server-sent events). A `fleet` event carries the
 * whole window; each `tick` adds the newest point and replaces workers and totals.
 */
import { useEffect, useState } from 'preact/hooks';
import type { FleetBody } from '../api/wire';

export type FeedState = 'connecting' | 'live' | 'reconnecting';

export function useFleetFeed(): { fleet: FleetBody | undefined; state: FeedState } {
  const [fleet, setFleet] = useState<FleetBody | undefined>(undefined);
  const [state, setState] = useState<FeedState>('connecting');
  useEffect(() => {
    const source = new EventSource('/v1/fleet/events');
    source.addEventListener('fleet', (e: MessageEvent<string>) => {
      setFleet(JSON.parse(e.data) as FleetBody);
      setState('live');
    });
    source.addEventListener('tick', (e: MessageEvent<string>) => {
      const tick = JSON.parse(e.data) as FleetBody;
      setFleet((prev) => appendTick(prev, tick));
    });
    // EventSource reconnects by itself; the next `fleet` event restores the window.
    source.onerror = () => setState('reconnecting');
    return () => source.close();
  }, []);
  return { fleet, state };
}

function appendTick(prev: FleetBody | undefined, tick: FleetBody): FleetBody {
  if (prev === undefined) return tick;
  const maxPoints = Math.ceil(tick.window_ms / tick.interval_ms);
  return { ...tick, points: [...prev.points, ...tick.points].slice(-maxPoints) };
}
