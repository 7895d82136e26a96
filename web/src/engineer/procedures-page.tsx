/** Procedures and their versions, with the effective one marked; engineers upload new drafts from here. */
import { Link } from 'react-router';
import { listProcedures } from '../api/procedures.ts';
import { hasRole, usePerson } from '../session/session-context.tsx';
import { useLoad } from '../session/use-load.ts';
import { Loading, PageHeader } from '../ui/page.tsx';
import { ErrorPage } from '../pages/error-pages.tsx';
import { VersionStatusBadge } from './version-status.tsx';

export function ProceduresPage() {
  const person = usePerson();
  const loaded = useLoad(listProcedures, []);
  if (loaded.error !== undefined) return <ErrorPage error={loaded.error} />;
  if (loaded.data === undefined) return <Loading what="Loading procedures" />;
  return (
    <>
      <PageHeader
        title="Procedures"
        sub="Master recipes and SOPs as versioned, checked definitions."
        actions={
          hasRole(person, 'engineer') ? (
            <Link className="button" to="/procedures/new">
              Upload a procedure
            </Link>
          ) : undefined
        }
      />
      <table>
        <thead>
          <tr>
            <th scope="col">Procedure</th>
            <th scope="col">Title</th>
            <th scope="col">Versions</th>
          </tr>
        </thead>
        <tbody>
          {loaded.data.map((p) => {
            const latest = p.versions[p.versions.length - 1];
            return (
              <tr key={p.procedure}>
                <td>
                  <Link to={`/procedures/${encodeURIComponent(p.procedure)}`}>{p.procedure}</Link>
                </td>
                <td>{latest?.title ?? ''}</td>
                <td>
                  <span className="row">
                    {p.versions.map((v) => (
                      <Link key={v.version} to={`/procedures/${encodeURIComponent(p.procedure)}/versions/${v.version}`} aria-label={`version ${v.version}, ${v.status}`}>
                        v{v.version} <VersionStatusBadge status={v.status} />
                      </Link>
                    ))}
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
