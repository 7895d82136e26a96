/** The frame around every signed-in page: the menu of the person's views, who they are, sign-out. */
import { NavLink, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { hasRole, useSession } from '../session/session-context.tsx';
import { Button } from '../ui/button.tsx';
import { Loading } from '../ui/page.tsx';
import { ErrorBoundary } from './error-pages.tsx';

interface MenuItem {
  readonly to: string;
  readonly label: string;
  readonly roles?: readonly string[];
}

const MENU: readonly MenuItem[] = [
  { to: '/work', label: 'My work', roles: ['operator', 'supervisor'] },
  { to: '/qa', label: 'QA inbox', roles: ['qa', 'qa-lead', 'supervisor'] },
  { to: '/batches', label: 'Batches' },
  { to: '/procedures', label: 'Procedures' },
  { to: '/leader', label: 'Plant dashboard', roles: ['leader', 'supervisor', 'qa', 'qa-lead', 'engineer'] },
];

export function Shell() {
  const { status, session, signOut } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  if (status === 'loading') return <Loading what="Checking your session" />;
  if (status === 'signed-out' || session === undefined) {
    const here = `${location.pathname}${location.search}`;
    return <Navigate to={here === '/' ? '/login' : `/login?next=${encodeURIComponent(here)}`} replace />;
  }
  if (session.mustChangePassword === true && location.pathname !== '/password') return <Navigate to="/password" replace />;
  const items = MENU.filter((m) => m.roles === undefined || hasRole(session, ...m.roles));
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/" className="brand">
          OpenBES
        </NavLink>
        <nav aria-label="Views">
          {items.map((m) => (
            <NavLink key={m.to} to={m.to}>
              {m.label}
            </NavLink>
          ))}
        </nav>
        <div className="who">
          <span data-testid="who">
            <strong>{session.name}</strong> · {session.site} · {session.roles.join(', ')}
          </span>
          <NavLink to="/password" className="small" style={{ color: '#dfe7f2' }}>
            Password
          </NavLink>
          <Button
            variant="ghost"
            onClick={async () => {
              await signOut();
              navigate('/login', { replace: true });
            }}
          >
            Sign out
          </Button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <ErrorBoundary resetKey={location.pathname}>
          <Outlet />
        </ErrorBoundary>
      </main>
    </>
  );
}
