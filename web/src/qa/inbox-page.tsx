/**
 * The QA inbox: decisions routed to me (due and overdue first), holds that wait for QA, open deviations,
 * and completed batches to review. Sections whose API this server does not offer say so.
 */
import { useRef } from 'react';
import { Link } from 'react-router';
import { getBatch, listBatches } from '../api/batches.ts';
import { listDecisions, listDeviations, type DecisionView, type DeviationView, type Optional } from '../api/quality.ts';
import { useLiveEvents } from '../api/stream.ts';
import type { BatchSummary, BatchView } from '../api/types.ts';
import { usePerson } from '../session/session-context.tsx';
import { useLoad } from '../session/use-load.ts';
import { Badge } from '../ui/badge.tsx';
import { dateTime } from '../ui/format.ts';
import { Notice } from '../ui/notice.tsx';
import { Loading, PageHeader } from '../ui/page.tsx';
import { ErrorPage } from '../pages/error-pages.tsx';

interface Inbox {
  readonly decisions: Optional<DecisionView[]>;
  readonly deviations: Optional<DeviationView[]>;
  readonly held: BatchView[];
  readonly completed: BatchSummary[];
  readonly fromBatches: { readonly id: string; readonly batchId: string }[];
}

async function loadInbox(): Promise<Inbox> {
  const [decisions, deviations, batches] = await Promise.all([listDecisions(), listDeviations(), listBatches()]);
  const held = await Promise.all(batches.filter((b) => b.status === 'in_progress' && b.holds > 0).map((b) => getBatch(b.id)));
  const completed = batches.filter((b) => b.status === 'completed').sort((a, b) => (a.id < b.id ? 1 : -1));
  const fromBatches = batches.filter((b) => b.status === 'in_progress').flatMap((b) => b.deviations.map((id) => ({ id, batchId: b.id })));
  return { decisions, deviations, held, completed, fromBatches };
}

const dueOf = (d: DecisionView) => d.dueAt ?? d.due;

export function InboxPage() {
  const person = usePerson();
  const loaded = useLoad(loadInbox, []);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useLiveEvents({ site: person.site }, (event) => {
    if (!/^(Hold|Deviation|Decision|Exception|Batch)/.test(event.type)) return;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void loaded.reload(), 300);
  });
  if (loaded.error !== undefined && loaded.data === undefined) return <ErrorPage error={loaded.error} />;
  if (loaded.data === undefined) return <Loading what="Loading the inbox" />;
  const { decisions, deviations, held, completed, fromBatches } = loaded.data;
  const now = Date.now();
  const openDeviations = deviations.available ? deviations.value.filter((d) => d.status !== 'closed') : [];

  return (
    <div className="stack">
      <PageHeader title="QA inbox" sub={`What waits for a decision at ${person.site}.`} />

      <section className="card stack" aria-labelledby="decisions-title">
        <h2 id="decisions-title">Decisions</h2>
        {!decisions.available ? (
          decisions.failed ? (
            <Notice tone="warn">{decisions.detail}</Notice>
          ) : (
            <Notice tone="info">This server has no decision routing yet; holds and deviations waiting for QA are listed below.</Notice>
          )
        ) : decisions.value.length === 0 ? (
          <p className="muted">No open decision.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Decision</th>
                <th scope="col">Role</th>
                <th scope="col">Due</th>
              </tr>
            </thead>
            <tbody>
              {[...decisions.value]
                .sort((a, b) => ((dueOf(a) ?? '') < (dueOf(b) ?? '') ? -1 : 1))
                .map((d) => {
                  const due = dueOf(d);
                  const overdue = due !== undefined && Date.parse(due) < now;
                  const subject = typeof d.subject === 'object' && d.subject !== null ? d.subject : undefined;
                  return (
                    <tr key={d.id}>
                      <td>
                        <SubjectLink subject={subject} fallback={d.title ?? d.id} />
                      </td>
                      <td>{d.role ?? '—'}</td>
                      <td>
                        {dateTime(due)} {overdue ? <Badge tone="bad">overdue</Badge> : <Badge tone="warn">due</Badge>}
                      </td>
                    </tr>
                  );
                })}
            </tbody>
          </table>
        )}
      </section>

      <section className="card stack" aria-labelledby="held-title" data-testid="inbox-holds">
        <h2 id="held-title">Batches on hold</h2>
        {held.length === 0 ? <p className="muted">No batch is on hold.</p> : null}
        <ul className="step-list">
          {held.flatMap((b) =>
            b.holds.map((h) => (
              <li key={`${b.id}:${h.id}`}>
                <Link to={`/batches/${encodeURIComponent(b.id)}`}>
                  <span>
                    <strong>
                      {b.id} · {h.id}
                    </strong>{' '}
                    {h.reason}
                  </span>
                  <Badge tone={h.deviationId !== undefined ? 'bad' : 'warn'}>{h.deviationId !== undefined ? 'QA releases' : 'supervisor or QA'}</Badge>
                </Link>
              </li>
            )),
          )}
        </ul>
      </section>

      <section className="card stack" aria-labelledby="deviations-title">
        <h2 id="deviations-title">Open deviations</h2>
        {deviations.available ? (
          openDeviations.length === 0 ? (
            <p className="muted">No open deviation.</p>
          ) : (
            <ul>
              {openDeviations.map((d) => (
                <li key={d.id}>
                  <Link to={`/deviations/${encodeURIComponent(d.id)}`}>{d.id}</Link> {d.severity ? <Badge tone={d.severity === 'minor' || d.severity === 'info' ? 'warn' : 'bad'}>{d.severity}</Badge> : null} {d.message ?? ''}
                </li>
              ))}
            </ul>
          )
        ) : fromBatches.length === 0 ? (
          <p className="muted">No deviation on a batch in progress.</p>
        ) : (
          <ul>
            {fromBatches.map((d) => (
              <li key={d.id}>
                <Link to={`/deviations/${encodeURIComponent(d.id)}`}>{d.id}</Link> on batch <Link to={`/batches/${encodeURIComponent(d.batchId)}`}>{d.batchId}</Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card stack" aria-labelledby="review-title">
        <h2 id="review-title">Completed batches to review</h2>
        {completed.length === 0 ? <p className="muted">No completed batch.</p> : null}
        <ul className="step-list">
          {completed.slice(0, 12).map((b) => (
            <li key={b.id}>
              <Link to={`/batches/${encodeURIComponent(b.id)}/review`}>
                <span>
                  <strong>{b.id}</strong> {b.procedure} v{b.procedureVersion}
                </span>
                {b.deviations.length > 0 ? <Badge tone="warn">{b.deviations.length} deviation(s)</Badge> : <Badge tone="ok">no deviation</Badge>}
              </Link>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

function SubjectLink({ subject, fallback }: { readonly subject: Record<string, unknown> | undefined; readonly fallback: string }) {
  const kind = typeof subject?.kind === 'string' ? subject.kind : '';
  const id = typeof subject?.id === 'string' ? subject.id : '';
  const title = typeof subject?.title === 'string' ? subject.title : fallback;
  if (kind.startsWith('deviation')) return <Link to={`/deviations/${encodeURIComponent(id)}`}>{title}</Link>;
  if (kind === 'batch_release') return <Link to={`/batches/${encodeURIComponent(id)}/review`}>{title}</Link>;
  if (kind === 'procedure_approval') return <Link to={`/procedures/${encodeURIComponent(id)}`}>{title}</Link>;
  return <span>{title}</span>;
}
