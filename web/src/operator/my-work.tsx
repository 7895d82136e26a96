/**
 * "My work": the batches in progress at my site and, in each, the steps I can act on now (start, continue,
 * verify), with what blocks the next ones and why. It follows the live stream, so it changes as work moves.
 */
import { useRef } from 'react';
import { Link } from 'react-router';
import { getBatch, listBatches } from '../api/batches.ts';
import { useLiveEvents } from '../api/stream.ts';
import type { BatchView, StepView } from '../api/types.ts';
import type { Session } from '../api/session.ts';
import { usePerson } from '../session/session-context.tsx';
import { useLoad } from '../session/use-load.ts';
import { Badge, StepStatusBadge } from '../ui/badge.tsx';
import { Notice } from '../ui/notice.tsx';
import { Loading, PageHeader } from '../ui/page.tsx';
import { ErrorPage } from '../pages/error-pages.tsx';

type Action = 'start' | 'continue' | 'verify' | 'blocked';

interface WorkItem {
  readonly step: StepView;
  readonly action: Action;
}

/** What the person can do on each step now; the server still decides when they try. */
export function workFor(batch: BatchView, person: Session): WorkItem[] {
  const items: WorkItem[] = [];
  for (const step of batch.steps) {
    const mine = person.roles.includes(step.role);
    if (step.status === 'awaiting_verification' && step.verify !== undefined && person.roles.includes(step.verify) && !step.performers.includes(person.personId)) {
      items.push({ step, action: 'verify' });
    } else if (mine && step.status === 'in_progress') {
      items.push({ step, action: step.blockedBy.length > 0 ? 'blocked' : 'continue' });
    } else if (mine && step.status === 'pending') {
      // A step whose predecessors are not done is not "work" yet; one blocked for another reason is shown with it.
      const waiting = step.blockedBy.some((b) => b.code === 'sequence_violation');
      if (!waiting) items.push({ step, action: step.blockedBy.length > 0 ? 'blocked' : 'start' });
    }
  }
  return items;
}

const ACTION_WORDS: Record<Action, string> = { start: 'Start', continue: 'Continue', verify: 'Verify', blocked: 'Blocked' };

export function MyWorkPage() {
  const person = usePerson();
  const loaded = useLoad(async () => {
    const running = await listBatches('in_progress');
    return Promise.all(running.map((b) => getBatch(b.id)));
  }, []);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useLiveEvents({ site: person.site, kind: 'batch' }, (event) => {
    if (!event.streamId.startsWith('batch-')) return;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void loaded.reload(), 300);
  });

  if (loaded.error !== undefined && loaded.data === undefined) return <ErrorPage error={loaded.error} />;
  if (loaded.data === undefined) return <Loading what="Loading your work" />;
  const withWork = loaded.data.map((batch) => ({ batch, items: workFor(batch, person) })).filter((b) => b.items.length > 0);

  return (
    <div className="touch">
      <PageHeader title="My work" sub={`Steps ready for you at ${person.site}, as ${person.roles.join(', ')}.`} />
      {withWork.length === 0 ? <Notice tone="info">Nothing is waiting for you right now. This page updates as work moves on.</Notice> : null}
      <div className="stack">
        {withWork.map(({ batch, items }) => (
          <section key={batch.id} className="card stack" aria-labelledby={`batch-${batch.id}`}>
            <div className="spread">
              <h2 id={`batch-${batch.id}`}>
                <Link to={`/batches/${encodeURIComponent(batch.id)}`}>Batch {batch.id}</Link>
              </h2>
              <span className="row">
                <span className="muted">
                  {batch.procedure} v{batch.procedureVersion}
                </span>
                {batch.holds.length > 0 ? <Badge tone="bad">on hold</Badge> : null}
              </span>
            </div>
            <ul className="step-list">
              {items.map(({ step, action }) => (
                <li key={step.id}>
                  <Link to={`/batches/${encodeURIComponent(batch.id)}/steps/${encodeURIComponent(step.id)}`} data-testid={`work-${batch.id}-${step.id}`}>
                    <span className="stack" style={{ gap: 2 }}>
                      <strong>{step.title}</strong>
                      {action === 'blocked' ? <span className="small" style={{ color: 'var(--bad)' }}>{step.blockedBy.map((b) => b.message).join(' ')}</span> : null}
                    </span>
                    <span className="row">
                      <StepStatusBadge status={step.status} />
                      <Badge tone={action === 'blocked' ? 'bad' : action === 'verify' ? 'info' : 'ok'}>{ACTION_WORDS[action]}</Badge>
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </div>
  );
}
