/** A chart.js bar chart in a canvas, redrawn when its data change; its summary is the accessible name. */
import { Chart, registerables, type ChartConfiguration } from 'chart.js';
import { useEffect, useRef } from 'react';

Chart.register(...registerables);
Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
Chart.defaults.color = '#1b2330';
// Set once for every chart: spreading options into each config costs the type checker seconds.
Chart.defaults.responsive = true;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.animation = false;

export function ChartCanvas({ config, summary, testId }: { readonly config: ChartConfiguration<'bar'>; readonly summary: string; readonly testId?: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'bar'> | undefined>(undefined);
  useEffect(() => {
    if (canvas.current === null) return;
    chart.current = new Chart<'bar'>(canvas.current, config);
    return () => chart.current?.destroy();
    // The chart is made once; data changes go through update() below.
  }, []);
  useEffect(() => {
    const c = chart.current;
    if (c === undefined) return;
    c.data = config.data;
    c.update('none');
  }, [config]);
  return (
    <div className="chart-box">
      <canvas ref={canvas} role="img" aria-label={summary} data-testid={testId} />
    </div>
  );
}
