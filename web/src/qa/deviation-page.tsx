/**
 * One deviation: its facts (batch, step, field, value, severity, message). From the deviations API when the
 * server has it, otherwise from the batch record of the batch that raised it.
 */
import { Link, useParams } from 'react-router';
import { getRecord } from '../api/record.ts';
import { getDeviation, optional } from '../api/quality.ts';
import { useLoad } from '../session/use-load.ts';
import { Badge } from '../ui/badge.tsx';
import { dateTime } from '../ui/format.ts';
import { Loading, PageHeader } from '../ui/page.tsx';
import { ErrorPage } from '../pages/error-pages.tsx';

/** Execution names deviations `<batch>-D<n>`. */
const batchOf = (deviationId: string) => deviationId.replace(/-D\d+$/, '');

interface Facts {
  readonly batchId: string;
  readonly stepId?: string;
  readonly fieldId?: string | null;
  readonly severity?: string;
  readonly group?: string;
  readonly status?: string;
  readonly message?: string;
  readonly raisedAt?: string;
  readonly raisedBy?: string;
}

async function load(id: string): Promise<Facts> {
  const found = await optional(() => getDeviation(id));
  if (found.available) {
    const d = found.value;
    return { batchId: d.batchId ?? batchOf(id), stepId: d.stepId, fieldId: d.fieldId, severity: d.severity, group: d.group, status: d.status, message: d.message, raisedAt: d.raisedAt };
  }
  const record = await getRecord(batchOf(id));
  const d = record.deviations.find((x) => x.deviationId === id);
  if (d === undefined) throw new Error(`Batch ${batchOf(id)} has no deviation ${id}.`);
  return { batchId: batchOf(id), stepId: d.stepId, fieldId: d.fieldId, severity: d.severity, group: d.group, status: d.status, message: d.message, raisedAt: d.raised.at, raisedBy: d.raised.name ?? d.raised.id };
}

export function DeviationPage() {
  const { deviationId = '' } = useParams();
  const loaded = useLoad(() => load(deviationId), [deviationId]);
  if (loaded.error !== undefined) return <ErrorPage error={loaded.error} />;
  if (loaded.data === undefined) return <Loading what="Loading the deviation" />;
  const d = loaded.data;
  return (
    <div className="stack">
      <PageHeader
        crumbs={<Link to="/qa">QA inbox</Link>}
        title={`Deviation ${deviationId}`}
        sub={
          <span className="row">
            {d.severity !== undefined ? <Badge tone={d.severity === 'minor' || d.severity === 'info' ? 'warn' : 'bad'}>{d.severity}</Badge> : null}
            {d.status !== undefined ? <Badge tone="info">{d.status}</Badge> : null}
          </span>
        }
      />
      <section className="card">
        <p>
          <strong>{d.message}</strong>
        </p>
        <dl>
          <dt className="muted">Batch</dt>
          <dd>
            <Link to={`/batches/${encodeURIComponent(d.batchId)}`}>{d.batchId}</Link> · <Link to={`/batches/${encodeURIComponent(d.batchId)}/review`}>review</Link>
          </dd>
          <dt className="muted">Step, field</dt>
          <dd>
            {d.stepId ?? '—'}
            {d.fieldId ? `, ${d.fieldId}` : ''}
          </dd>
          <dt className="muted">Group</dt>
          <dd>{d.group ?? '—'}</dd>
          <dt className="muted">Raised</dt>
          <dd>
            {dateTime(d.raisedAt)} {d.raisedBy ? `(detected while ${d.raisedBy} recorded)` : ''}
          </dd>
        </dl>
      </section>
    </div>
  );
}
