/** Shows a server problem as the person needs it: the sentence (`detail`), the stable code, field errors. */
import { ApiProblem, type Problem } from '../api/problem.ts';
import { Notice } from './notice.tsx';

export function problemFrom(error: unknown): Problem {
  if (error instanceof ApiProblem) return error.problem;
  const message = error instanceof Error ? error.message : String(error);
  return { type: 'about:blank', title: 'Something went wrong', status: 0, detail: message, code: 'client_error' };
}

const TITLES: Record<number, string> = { 400: 'Not accepted:', 401: 'Not signed in:', 403: 'Not allowed:', 404: 'Not found:', 409: 'Changed meanwhile:', 412: 'Changed meanwhile:', 422: 'Refused:' };

export function ProblemView({ error, title }: { readonly error: unknown; readonly title?: string }) {
  const p = problemFrom(error);
  return (
    <Notice tone="bad" title={title ?? TITLES[p.status] ?? `${p.title}:`} code={p.code}>
      <span data-testid="problem-detail">{p.detail}</span>
      {p.errors !== undefined && p.errors.length > 0 ? (
        <ul>
          {p.errors.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              <code>{e.path}</code>: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </Notice>
  );
}
