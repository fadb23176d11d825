/**
 * The fleet's time series with uPlot: first-partial and final p50/p95 (rolling minute), audio
 * seconds processed per second, and a heatmap of final latency (time x latency bucket).
 */
import { useMemo, useRef } from 'preact/hooks';
import type uPlot from 'uplot';
import type { FleetBody, FleetPoint } from '../api/wire';
import { useColorScheme } from '../ui/use-color-scheme';
import { UPlotChart, themeColor } from './uplot-chart';

const times = (points: readonly FleetPoint[]): number[] => points.map((p) => p.at_ms / 1000);

function axes(yLabel: string, y: Partial<uPlot.Axis> = {}): uPlot.Axis[] {
  const stroke = themeColor('--fg-muted');
  const grid = { stroke: themeColor('--grid'), width: 1 };
  return [
    { stroke, grid, ticks: grid },
    { stroke, grid, ticks: grid, label: yLabel, size: 60, ...y },
  ];
}

/** Legends list the series without per-point values (the tiles above show the latest). */
const LEGEND: uPlot.Legend = { live: false };

export function LatencyChart({ fleet }: { fleet: FleetBody }) {
  const scheme = useColorScheme();
  const options = useMemo(
    (): Omit<uPlot.Options, 'width' | 'height'> => ({
      scales: { x: { time: true } },
      axes: axes('ms'),
      legend: LEGEND,
      series: [
        {},
        { label: 'first partial p50', stroke: themeColor('--series-1'), width: 2 },
        { label: 'first partial p95', stroke: themeColor('--series-1'), dash: [4, 4] },
        { label: 'final p50', stroke: themeColor('--series-2'), width: 2 },
        { label: 'final p95', stroke: themeColor('--series-2'), dash: [4, 4] },
      ],
    }),
    // Colours come from CSS: rebuild the chart when the colour scheme changes.
    [scheme],
  );
  const data = useMemo((): uPlot.AlignedData => {
    const p = fleet.points;
    return [
      times(p),
      p.map((x) => x.first_partial?.p50_ms ?? null),
      p.map((x) => x.first_partial?.p95_ms ?? null),
      p.map((x) => x.final?.p50_ms ?? null),
      p.map((x) => x.final?.p95_ms ?? null),
    ];
  }, [fleet.points]);
  return (
    <UPlotChart
      scheme={scheme}
      options={options}
      data={data}
      label="First-partial and final latency, p50 and p95 over the last minute"
    />
  );
}

const AUDIO_KINDS = ['stream', 'file', 'tts'] as const;

export function AudioRateChart({ fleet }: { fleet: FleetBody }) {
  const scheme = useColorScheme();
  const options = useMemo(
    (): Omit<uPlot.Options, 'width' | 'height'> => ({
      scales: { x: { time: true } },
      axes: axes('audio s / s'),
      legend: LEGEND,
      series: [
        {},
        ...AUDIO_KINDS.map((kind, i) => ({
          label: kind,
          stroke: themeColor(`--series-${i + 1}`),
          width: 2,
        })),
      ],
    }),
    // Colours come from CSS: rebuild the chart when the colour scheme changes.
    [scheme],
  );
  const data = useMemo(
    (): uPlot.AlignedData => [
      times(fleet.points),
      ...AUDIO_KINDS.map((kind) => fleet.points.map((p) => p.audio_seconds_per_s[kind] ?? 0)),
    ],
    [fleet.points],
  );
  return (
    <UPlotChart
      scheme={scheme}
      options={options}
      data={data}
      label="Audio seconds processed per second"
    />
  );
}

/**
 * Final latency as a heatmap: one column per interval, one row per histogram bucket, cells
 * shaded by how many finals fell in them. uPlot draws the axes and scales; a draw hook fills
 * the cells.
 */
export function LatencyHeatmap({ fleet }: { fleet: FleetBody }) {
  const scheme = useColorScheme();
  const bounds = fleet.latency_bounds_s;
  const rows = bounds.length + 1;
  /** Row i holds finals up to bounds[i]; the last row everything slower. */
  const label = (i: number): string => {
    const b = bounds[i];
    return b === undefined ? `>${bounds.at(-1) ?? 0}s` : b < 1 ? `${b * 1000}ms` : `${b}s`;
  };
  // Every other row is labelled at its middle: sixteen labels do not fit 240 px.
  const labelledRows = Array.from({ length: rows }, (_, i) => i).filter((i) => i % 2 === 0);
  // uPlot's data holds the times and an empty series; the draw hook reads the counts from here.
  const counts = useRef<readonly (readonly number[])[]>([]);
  counts.current = fleet.points.map((p) => p.final_latency_counts);
  const options = useMemo((): Omit<uPlot.Options, 'width' | 'height'> => {
    const fill = themeColor('--series-2');
    return {
      scales: { x: { time: true }, y: { range: [0, Math.max(1, rows)] } },
      axes: axes('final latency ≤', {
        splits: () => labelledRows.map((i) => i + 0.5),
        values: (_u, splits) => splits.map((v) => label(Math.floor(v))),
      }),
      legend: { show: false },
      cursor: { show: false },
      series: [{}, { label: 'finals', paths: () => null, points: { show: false } }],
      hooks: {
        draw: [
          (u) => {
            const cells = counts.current;
            const xs = u.data[0];
            const max = Math.max(1, ...cells.flat());
            const ctx = u.ctx;
            ctx.save();
            ctx.fillStyle = fill;
            for (let i = 0; i < xs.length; i++) {
              const x0 = u.valToPos(xs[i] ?? 0, 'x', true);
              const x1 = u.valToPos(
                xs[i + 1] ?? (xs[i] ?? 0) + fleet.interval_ms / 1000,
                'x',
                true,
              );
              (cells[i] ?? []).forEach((n, row) => {
                if (n <= 0) return;
                const y0 = u.valToPos(row + 1, 'y', true);
                const y1 = u.valToPos(row, 'y', true);
                ctx.globalAlpha = 0.2 + 0.8 * (n / max);
                ctx.fillRect(x0, y0, Math.max(1, x1 - x0), y1 - y0);
              });
            }
            ctx.restore();
          },
        ],
      },
    };
    // The bucket layout fixes the rows; it changes only when the first final arrives.
  }, [bounds.join(','), fleet.interval_ms, scheme]);
  const data = useMemo(
    (): uPlot.AlignedData => [times(fleet.points), fleet.points.map(() => null)],
    [fleet.points],
  );
  return (
    <UPlotChart
      scheme={scheme}
      options={options}
      data={data}
      height={240}
      label="Heatmap of final latency over time"
    />
  );
}
