/** Error pages: an unknown address, a record the server refuses to show, a crash inside a page. */
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Link } from 'react-router';
import { problemFrom, ProblemView } from '../ui/problem-view.tsx';
import { PageHeader } from '../ui/page.tsx';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <p>There is no page at this address.</p>
      <p>
        <Link to="/">Go to your start page</Link>
      </p>
    </>
  );
}

/** A whole page for an error the server gave while loading it (404, 403, …), with its sentence. */
export function ErrorPage({ error }: { readonly error: unknown }) {
  const p = problemFrom(error);
  const titles: Record<number, string> = { 403: 'Not allowed', 404: 'Not found', 0: 'No connection' };
  return (
    <section aria-labelledby="error-title" className="stack" data-testid="error-page">
      <h1 id="error-title">{titles[p.status] ?? p.title}</h1>
      <ProblemView error={error} title="Why:" />
      <p>
        <Link to="/">Go to your start page</Link>
      </p>
    </section>
  );
}

/** Catches a crash in a page so the rest of the app (and the way out) stays usable. */
export class ErrorBoundary extends Component<{ readonly children: ReactNode; readonly resetKey: string }, { error: unknown }> {
  override state: { error: unknown } = { error: undefined };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error('[ui]', error, info.componentStack);
  }
  override componentDidUpdate(previous: { resetKey: string }) {
    if (previous.resetKey !== this.props.resetKey && this.state.error !== undefined) this.setState({ error: undefined });
  }
  override render() {
    return this.state.error !== undefined ? <ErrorPage error={this.state.error} /> : this.props.children;
  }
}
