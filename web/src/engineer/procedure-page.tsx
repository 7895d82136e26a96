/** One procedure: its versions with their lifecycle, and the way to each version's flow and source. */
import { Link, useParams } from 'react-router';
import { getProcedure } from '../api/procedures.ts';
import { useLoad } from '../session/use-load.ts';
import { dateTime } from '../ui/format.ts';
import { Loading, PageHeader } from '../ui/page.tsx';
import { ErrorPage } from '../pages/error-pages.tsx';
import { VersionStatusBadge } from './version-status.tsx';

export function ProcedurePage() {
  const { code = '' } = useParams();
  const loaded = useLoad(() => getProcedure(code), [code]);
  if (loaded.error !== undefined) return <ErrorPage error={loaded.error} />;
  if (loaded.data === undefined) return <Loading what="Loading the procedure" />;
  const p = loaded.data;
  return (
    <>
      <PageHeader crumbs={<Link to="/procedures">Procedures</Link>} title={p.procedure} sub={p.effectiveVersion !== undefined ? `Version ${p.effectiveVersion} is effective.` : 'No version is effective.'} />
      <table>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Title</th>
            <th scope="col">Status</th>
            <th scope="col">Drafted by</th>
            <th scope="col">Approved by</th>
            <th scope="col">Effective from</th>
          </tr>
        </thead>
        <tbody>
          {[...p.versions].reverse().map((v) => (
            <tr key={v.version}>
              <td>
                <Link to={`/procedures/${encodeURIComponent(code)}/versions/${v.version}`}>v{v.version}</Link>
              </td>
              <td>{v.title}</td>
              <td>
                <VersionStatusBadge status={v.status} />
              </td>
              <td>{v.draftedBy}</td>
              <td>{v.approvedBy ?? '—'}</td>
              <td>{dateTime(v.effectiveFrom)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
