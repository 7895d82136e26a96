/**
 * The plant on a wall screen: work in progress by line, delays, deviations and decisions waiting, prevented
 * errors by reason, first-pass yield and cycle time. It listens to the live stream: a refused attempt counts
 * at once, and batch events refresh the figures.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useLiveEvents } from '../api/stream.ts';
import type { LedgerEvent } from '../api/types.ts';
import { usePerson } from '../session/session-context.tsx';
import { useLoad } from '../session/use-load.ts';
import { Badge, StepStatusBadge } from '../ui/badge.tsx';
import { duration, time } from '../ui/format.ts';
import { Loading, PageHeader } from '../ui/page.tsx';
import { ErrorPage } from '../pages/error-pages.tsx';
import { ChartCanvas } from './chart.tsx';
import { cycleTimeMs, delays, firstPassYield, lineOf, meanAndCv } from './figures.ts';
import { loadDashboard, loadRefusalCounts } from './load-dashboard.ts';
import { describeEvent } from './describe-event.ts';

export function DashboardPage() {
  const person = usePerson();
  const loaded = useLoad(loadDashboard, []);
  const counted = useLoad(loadRefusalCounts, []);
  const [liveRefusals, setLiveRefusals] = useState<Record<string, number>>({});
  const [feed, setFeed] = useState<LedgerEvent[]>([]);
  const [now, setNow] = useState(Date.now());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(tick);
  }, []);

  const status = useLiveEvents({ site: person.site }, (event) => {
    setFeed((f) => [event, ...f].slice(0, 40));
    if (event.type === 'CommandRefused') {
      const code = (event.data as { code?: string } | undefined)?.code ?? 'unknown';
      setLiveRefusals((r) => ({ ...r, [code]: (r[code] ?? 0) + 1 }));
    }
    if (event.streamId.startsWith('batch-') || event.streamId.startsWith('deviation-') || event.streamId.startsWith('decision-')) {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void loaded.reload(), 1500);
    }
  });

  const data = loaded.data;
  const refusals = useMemo(() => {
    const counts: Record<string, number> = { ...(counted.data?.byCode ?? {}) };
    // Counted once at opening; every refusal the stream brings since adds on.
    for (const [code, n] of Object.entries(liveRefusals)) counts[code] = (counts[code] ?? 0) + n;
    return Object.entries(counts).sort((a, b) => b[1] - a[1]);
  }, [counted.data, liveRefusals]);

  if (loaded.error !== undefined && data === undefined) return <ErrorPage error={loaded.error} />;
  if (data === undefined) return <Loading what="Loading the plant" />;

  const lines = new Map<string, typeof data.running>();
  for (const b of data.running) lines.set(lineOf(b), [...(lines.get(lineOf(b)) ?? []), b]);
  const late = delays(data.running, data.definitions, now);
  const fpy = firstPassYield(data.allCompleted);
  const cycles = data.completed.map((b) => ({ id: b.id, ms: cycleTimeMs(b) })).filter((c): c is { id: string; ms: number } => c.ms !== undefined);
  const cycleStats = meanAndCv(cycles.map((c) => c.ms));
  const preventedTotal = refusals.reduce((n, [, c]) => n + c, 0);
  const holds = data.running.reduce((n, b) => n + b.holds.length, 0);

  return (
    <div className="stack">
      <PageHeader
        title="Plant dashboard"
        sub={
          <span data-testid="stream-status" data-status={status}>
            <span className={`live-dot ${status === 'live' ? '' : 'off'}`} aria-hidden="true" />
            {status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting to the live stream…' : 'Reconnecting…'} · {person.site}
          </span>
        }
      />
      <div className="grid">
        <Figure label="Batches in progress" value={String(data.running.length)} testId="wip-total" />
        <Figure label="Steps past standard time" value={String(late.length)} tone={late.length > 0 ? 'warn' : undefined} testId="delays-total" />
        <Figure label="Deviations waiting" value={String(data.openDeviations)} tone={data.openDeviations > 0 ? 'bad' : undefined} sub={`${holds} hold(s) in place`} />
        <Figure label="Decisions waiting" value={data.decisions.available ? String(data.decisions.value) : 'n/a'} sub={data.decisions.available ? undefined : data.decisions.failed ? data.decisions.detail : 'no decision routing on this server'} />
        <Figure label="Prevented errors" value={String(preventedTotal)} sub={counted.data === undefined ? 'counting…' : `refused attempts, ${counted.data.source === 'api' ? 'all recorded' : `on the last ${counted.data.batches} batches`}`} testId="prevented-total" />
        <Figure label="First-pass yield" value={fpy === undefined ? '—' : `${Math.round(fpy * 100)} %`} sub={`${data.allCompleted.length} completed batches, no deviation`} />
      </div>

      <section className="card stack" aria-labelledby="wip-title">
        <h2 id="wip-title">Work in progress by line</h2>
        {lines.size === 0 ? <p className="muted">No batch is running.</p> : null}
        <div className="grid wide">
          {[...lines.entries()].sort().map(([line, batches]) => (
            <div key={line} className="stack" data-testid={`line-${line}`}>
              <h3>{line === '—' ? 'No equipment used yet' : `Line ${line}`}</h3>
              {batches.map((b) => {
                const current = b.steps.filter((s) => s.status === 'in_progress' || s.status === 'awaiting_verification');
                const done = b.steps.filter((s) => s.status === 'done' || s.status === 'skipped').length;
                return (
                  <Link key={b.id} to={`/batches/${encodeURIComponent(b.id)}`} className="card" style={{ color: 'inherit', textDecoration: 'none' }}>
                    <div className="spread">
                      <strong>{b.id}</strong>
                      <span>
                        {done}/{b.steps.length} steps {b.holds.length > 0 ? <Badge tone="bad">on hold</Badge> : null}
                      </span>
                    </div>
                    <progress value={done} max={b.steps.length} style={{ width: '100%' }} aria-label={`${b.id}: ${done} of ${b.steps.length} steps done`} />
                    {current.map((s) => (
                      <div key={s.id} className="row small">
                        {s.title} <StepStatusBadge status={s.status} />
                      </div>
                    ))}
                  </Link>
                );
              })}
            </div>
          ))}
        </div>
      </section>

      <div className="grid wide">
        <section className="card stack" aria-labelledby="prevented-title">
          <h2 id="prevented-title">Prevented errors by reason</h2>
          <ChartCanvas
            testId="prevented-chart"
            summary={`Refused attempts by reason: ${refusals.map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}`}
            config={{
              type: 'bar',
              data: { labels: refusals.map(([c]) => c.replaceAll('_', ' ')), datasets: [{ label: 'refused attempts', data: refusals.map(([, n]) => n), backgroundColor: '#0b5cad' }] },
              options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
            }}
          />
        </section>
        <section className="card stack" aria-labelledby="cycle-title">
          <h2 id="cycle-title">Cycle time</h2>
          <p className="muted small">
            {cycleStats === undefined ? 'No completed batch yet.' : `Mean ${duration(cycleStats.mean)}, coefficient of variation ${Math.round(cycleStats.cv * 100)} % over the last ${cycles.length} batches.`}
          </p>
          <ChartCanvas
            summary={`Cycle time per batch in hours: ${cycles.map((c) => `${c.id} ${(c.ms / 3_600_000).toFixed(1)}`).join(', ')}`}
            config={{
              type: 'bar',
              data: {
                labels: cycles.map((c) => c.id),
                datasets: [
                  {
                    label: 'hours',
                    data: cycles.map((c) => Math.round((c.ms / 3_600_000) * 10) / 10),
                    backgroundColor: data.completed.map((b) => (b.deviations.length > 0 ? '#b3261e' : '#1d6b35')),
                  },
                ],
              },
              options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, title: { display: true, text: 'hours' } }, x: { ticks: { autoSkip: true, maxRotation: 60 } } } },
            }}
          />
          <p className="small muted">Red bars: batches with a deviation.</p>
        </section>
      </div>

      <div className="grid wide">
        <section className="card stack" aria-labelledby="delays-title">
          <h2 id="delays-title">Delays</h2>
          {late.length === 0 ? <p className="muted">No step is running past its standard time.</p> : null}
          <ul>
            {late.map((d) => (
              <li key={`${d.batchId}:${d.step.id}`}>
                <Link to={`/batches/${encodeURIComponent(d.batchId)}/steps/${encodeURIComponent(d.step.id)}`}>
                  {d.batchId} · {d.step.title}
                </Link>
                : running {duration(d.runningMs)}, standard {duration(d.standardMs)}
              </li>
            ))}
          </ul>
        </section>
        <section className="card stack" aria-labelledby="feed-title">
          <h2 id="feed-title">Live events</h2>
          {feed.length === 0 ? <p className="muted">Waiting for the next event…</p> : null}
          <ul className="feed" data-testid="live-feed" aria-live="polite">
            {feed.map((e) => (
              <li key={`${e.globalPosition}:${e.type}`}>
                <span className="muted">{time(e.recordedAt)}</span> {e.type === 'CommandRefused' ? <Badge tone="bad">refused</Badge> : null} {describeEvent(e)}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </div>
  );
}

function Figure({ label, value, sub, tone, testId }: { readonly label: string; readonly value: string; readonly sub?: string | undefined; readonly tone?: 'warn' | 'bad' | undefined; readonly testId?: string }) {
  const color = tone === 'bad' ? 'var(--bad)' : tone === 'warn' ? 'var(--warn)' : undefined;
  return (
    <section className="card" aria-label={label}>
      <div className="figure" style={{ color }} data-testid={testId}>
        {value}
      </div>
      <div className="figure-label">{label}</div>
      {sub !== undefined ? <div className="small muted">{sub}</div> : null}
    </section>
  );
}
