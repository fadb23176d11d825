/** A uPlot chart as a Preact component: created once, fed new data, resized with its box. */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ColorScheme } from '../ui/use-color-scheme';

interface Props {
  /** Options without width/height: the chart takes its container's width. */
  readonly options: Omit<uPlot.Options, 'width' | 'height'>;
  readonly data: uPlot.AlignedData;
  readonly height?: number;
  readonly label: string;
  /** The colour scheme the options were built for (shown as data-scheme). */
  readonly scheme: ColorScheme;
}

export function UPlotChart({ options, data, height = 200, label, scheme }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | undefined>(undefined);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const plot = new uPlot({ ...options, width: el.clientWidth || 600, height }, data, el);
    chart.current = plot;
    const observer = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
      chart.current = undefined;
    };
    // Options are fixed per chart; data changes go through setData below.
  }, [options, height]);

  useEffect(() => chart.current?.setData(data), [data]);

  return <div class="chart" ref={box} role="img" aria-label={label} data-scheme={scheme} />;
}

/** Colours from the page's CSS variables, so charts follow the light or dark theme. */
export function themeColor(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}
