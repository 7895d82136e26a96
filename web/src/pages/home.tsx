/** Where each person lands: the view of their main role. */
import { Navigate } from 'react-router';
import type { Session } from '../api/session.ts';
import { usePerson } from '../session/session-context.tsx';

/** The first view that fits the person's roles. */
export function homeOf(session: Session): string {
  const roles = session.roles;
  if (roles.includes('operator') || roles.includes('supervisor')) return '/work';
  if (roles.includes('qa') || roles.includes('qa-lead')) return '/qa';
  if (roles.includes('engineer')) return '/procedures';
  if (roles.includes('leader')) return '/leader';
  return '/batches';
}

export function HomeRedirect() {
  return <Navigate to={homeOf(usePerson())} replace />;
}
