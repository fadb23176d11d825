/** One row per worker: health, loaded models with versions, streams against capacity, decodes. */
import type { FleetWorker } from '../api/wire';

export function WorkersTable({ workers }: { workers: readonly FleetWorker[] }) {
  return (
    <table data-testid="fleet-workers">
      <caption>Workers</caption>
      <thead>
        <tr>
          <th scope="col">worker</th>
          <th scope="col">state</th>
          <th scope="col">models</th>
          <th scope="col">streams / capacity</th>
          <th scope="col">decodes running / queued</th>
        </tr>
      </thead>
      <tbody>
        {workers.map((w) => (
          <tr key={w.id}>
            <th scope="row">
              <code>{w.id}</code>
            </th>
            <td>
              <span class={`state state-${w.state}`}>{w.state}</span>
            </td>
            <td>
              <ul class="plain">
                {w.models.map((m) => (
                  <li>
                    {m.name} <span class="muted">{m.version}</span>{' '}
                    <span class="badge">{m.kind}</span>
                  </li>
                ))}
              </ul>
            </td>
            <td>
              <span data-testid="fleet-active-streams">{w.active_streams}</span> /{' '}
              {w.stream_capacity}{' '}
              <meter
                min={0}
                max={Math.max(1, w.stream_capacity)}
                value={w.active_streams}
                aria-label={`${w.active_streams} of ${w.stream_capacity} streams`}
              />
              <span class="muted"> (cap {w.max_streams})</span>
            </td>
            <td>
              {w.decodes_running} / {w.decodes_queued}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
