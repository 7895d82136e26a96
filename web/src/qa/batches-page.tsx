/** Every batch of the site: in progress first, then completed, with steps done, holds and deviations. */
import { Link, useNavigate } from 'react-router';
import { listBatches } from '../api/batches.ts';
import { useLoad } from '../session/use-load.ts';
import { Badge } from '../ui/badge.tsx';
import { Loading, PageHeader } from '../ui/page.tsx';
import { ErrorPage } from '../pages/error-pages.tsx';

export function BatchesPage() {
  const navigate = useNavigate();
  const loaded = useLoad(() => listBatches(), []);
  if (loaded.error !== undefined) return <ErrorPage error={loaded.error} />;
  if (loaded.data === undefined) return <Loading what="Loading batches" />;
  const batches = [...loaded.data].sort((a, b) => (a.status === b.status ? (a.id < b.id ? 1 : -1) : a.status === 'in_progress' ? -1 : 1));
  return (
    <>
      <PageHeader title="Batches" sub={`${batches.length} batches`} />
      <table>
        <thead>
          <tr>
            <th scope="col">Batch</th>
            <th scope="col">Procedure</th>
            <th scope="col">Status</th>
            <th scope="col">Steps</th>
            <th scope="col">Holds</th>
            <th scope="col">Deviations</th>
          </tr>
        </thead>
        <tbody>
          {batches.map((b) => (
            <tr key={b.id} className="row-link" onClick={() => navigate(`/batches/${encodeURIComponent(b.id)}`)}>
              <td>
                <Link to={`/batches/${encodeURIComponent(b.id)}`}>{b.id}</Link>
              </td>
              <td>
                {b.procedure} v{b.procedureVersion}
              </td>
              <td>{b.status === 'completed' ? <Badge tone="ok">completed</Badge> : <Badge tone="warn">in progress</Badge>}</td>
              <td>
                {b.steps.done}/{b.steps.total}
              </td>
              <td>{b.holds > 0 ? <Badge tone="bad">{b.holds}</Badge> : '—'}</td>
              <td>{b.deviations.length > 0 ? <Badge tone="warn">{b.deviations.length}</Badge> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
