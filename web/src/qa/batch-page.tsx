/** One batch: its flow with each step's status, the steps, holds, deviations, and the way to its record. */
import { Link, useParams } from 'react-router';
import { recordHtmlUrl } from '../api/record.ts';
import { useBatch } from '../operator/use-batch.ts';
import { FlowGraph } from '../engineer/flow-graph.tsx';
import { hasRole, usePerson } from '../session/session-context.tsx';
import { Badge, StepStatusBadge } from '../ui/badge.tsx';
import { dateTime } from '../ui/format.ts';
import { Loading, PageHeader } from '../ui/page.tsx';
import { ErrorPage } from '../pages/error-pages.tsx';
import { HoldsPanel } from './holds-panel.tsx';

export function BatchPage() {
  const { batchId = '' } = useParams();
  const person = usePerson();
  const loaded = useBatch(batchId, person.site);
  if (loaded.error !== undefined && loaded.data === undefined) return <ErrorPage error={loaded.error} />;
  if (loaded.data === undefined) return <Loading what="Loading the batch" />;
  const { batch, definition } = loaded.data;
  const statuses = Object.fromEntries(batch.steps.map((s) => [s.id, s.status]));
  const stepLink = (stepId: string) => `/batches/${encodeURIComponent(batch.id)}/steps/${encodeURIComponent(stepId)}`;
  return (
    <div className="stack">
      <PageHeader
        crumbs={<Link to="/batches">Batches</Link>}
        title={`Batch ${batch.id}`}
        sub={
          <span className="row">
            {batch.status === 'completed' ? <Badge tone="ok">completed</Badge> : <Badge tone="warn">in progress</Badge>}
            <span>
              {definition.title} ({batch.procedure} v{batch.procedureVersion})
              {batch.batchSize !== undefined ? ` · batch size ${batch.batchSize}` : ''}
            </span>
          </span>
        }
        actions={
          <>
            {hasRole(person, 'qa', 'qa-lead', 'supervisor') ? (
              <Link className="button secondary" to={`/batches/${encodeURIComponent(batch.id)}/review`}>
                Review by exception
              </Link>
            ) : null}
            <a className="button secondary" href={recordHtmlUrl(batch.id)} target="_blank" rel="noreferrer">
              Batch record
            </a>
          </>
        }
      />
      <div className="grid wide">
        <FlowGraph steps={definition.steps} statuses={statuses} linkOf={stepLink} title={`Steps of batch ${batch.id} and their status`} />
        <div className="stack">
          <HoldsPanel batch={batch} onChanged={loaded.reload} />
          <section className="card stack" aria-labelledby="deviations-title">
            <h2 id="deviations-title">Deviations</h2>
            {batch.deviations.length === 0 ? <p className="muted">None.</p> : null}
            <ul>
              {batch.deviations.map((d) => (
                <li key={d}>
                  <Link to={`/deviations/${encodeURIComponent(d)}`}>{d}</Link>
                </li>
              ))}
            </ul>
          </section>
        </div>
      </div>
      <table>
        <caption className="muted" style={{ textAlign: 'left', padding: 6 }}>
          Steps
        </caption>
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col">Completed</th>
            <th scope="col">By</th>
            <th scope="col">Blocked by</th>
          </tr>
        </thead>
        <tbody>
          {batch.steps.map((s) => (
            <tr key={s.id}>
              <td>
                <Link to={stepLink(s.id)}>{s.title}</Link>
              </td>
              <td>
                <StepStatusBadge status={s.status} />
              </td>
              <td>{dateTime(s.startedAt)}</td>
              <td>{dateTime(s.completedAt)}</td>
              <td>{s.performers.join(', ') || '—'}</td>
              <td className="small">{s.blockedBy.map((b) => b.message).join(' ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
