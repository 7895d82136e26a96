/** The frame of every page: a title (also the document title), an optional line under it and actions. */
import { useEffect, type ReactNode } from 'react';

export function PageHeader({ title, sub, crumbs, actions }: { readonly title: string; readonly sub?: ReactNode; readonly crumbs?: ReactNode; readonly actions?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · OpenBES`;
  }, [title]);
  return (
    <div className="page-header">
      <div>
        {crumbs !== undefined ? <div className="crumbs">{crumbs}</div> : null}
        <h1>{title}</h1>
        {sub !== undefined ? <div className="sub">{sub}</div> : null}
      </div>
      {actions !== undefined ? <div className="row">{actions}</div> : null}
    </div>
  );
}

export function Loading({ what = 'Loading' }: { readonly what?: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      {what}…
    </p>
  );
}
