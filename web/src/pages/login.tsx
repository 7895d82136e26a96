/** Sign-in. In demo mode the server lists the demo people and their passwords; a click fills the form. */
import { useEffect, useState, type FormEvent } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { ApiProblem } from '../api/problem.ts';
import { demoInfo, type DemoInfo } from '../api/session.ts';
import { useSession } from '../session/session-context.tsx';
import { Button } from '../ui/button.tsx';
import { Field } from '../ui/field.tsx';
import { Notice } from '../ui/notice.tsx';
import { ProblemView } from '../ui/problem-view.tsx';
import { homeOf } from './home.tsx';

export function LoginPage() {
  const { status, session, message, signIn } = useSession();
  const [params] = useSearchParams();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [demo, setDemo] = useState<DemoInfo | undefined>();
  /** Sites to choose from, when the person holds roles at more than one (the server asks which). */
  const [sites, setSites] = useState<readonly string[]>([]);
  const [site, setSite] = useState('');

  useEffect(() => {
    document.title = 'Sign in · OpenBES';
    void demoInfo().then(setDemo);
  }, []);

  if (status === 'signed-in' && session !== undefined) {
    const next = params.get('next');
    return <Navigate to={next !== null && next.startsWith('/') && !next.startsWith('//') ? next : homeOf(session)} replace />;
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(username.trim(), password, site || undefined);
    } catch (e) {
      const choices = e instanceof ApiProblem && e.code === 'site_required' ? e.problem.details?.sites : undefined;
      if (Array.isArray(choices) && choices.length > 0) {
        setSites(choices.map(String));
        setSite(String(choices[0]));
      } else {
        setPassword('');
      }
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="touch" style={{ maxWidth: 880 }}>
      <div className="grid wide" style={{ alignItems: 'start', marginTop: 32 }}>
        <form className="card stack" onSubmit={submit} aria-labelledby="login-title">
          <h1 id="login-title">Sign in to OpenBES</h1>
          {message !== undefined ? <Notice tone="warn">{message}</Notice> : null}
          {error !== undefined ? <ProblemView error={error} title="Not signed in:" /> : null}
          <Field label="Username">{(p) => <input {...p} name="username" autoComplete="username" autoCapitalize="none" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />}</Field>
          <Field label="Password">{(p) => <input {...p} name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />}</Field>
          {sites.length > 0 ? (
            <Field label="Site">
              {(p) => (
                <select {...p} name="site" value={site} onChange={(e) => setSite(e.target.value)}>
                  {sites.map((s) => (
                    <option key={s}>{s}</option>
                  ))}
                </select>
              )}
            </Field>
          ) : null}
          <Button type="submit" busy={busy}>
            Sign in
          </Button>
        </form>
        {demo !== undefined ? (
          <section className="card stack" aria-labelledby="demo-title">
            <h2 id="demo-title">Demo plant {demo.site}</h2>
            <p className="muted small">This server runs in demo mode. These accounts exist only here; choose one to fill in the form.</p>
            <table>
              <thead>
                <tr>
                  <th scope="col">Person</th>
                  <th scope="col">Role</th>
                  <th scope="col">Password</th>
                </tr>
              </thead>
              <tbody>
                {demo.people.map((p) => (
                  <tr key={p.username}>
                    <td>
                      <button
                        type="button"
                        className="button ghost"
                        style={{ minHeight: 36, padding: '2px 10px' }}
                        onClick={() => {
                          setUsername(p.username);
                          setPassword(p.password);
                        }}
                      >
                        {p.username}
                      </button>
                    </td>
                    <td>{(p.roles ?? []).join(', ')}</td>
                    <td>
                      <code>{p.password}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ) : null}
      </div>
    </main>
  );
}
