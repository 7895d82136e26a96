/** A message block: info, warning, refusal or success, announced to screen readers. */
import type { ReactNode } from 'react';

export function Notice({ tone = 'info', title, children, code }: { readonly tone?: 'info' | 'warn' | 'bad' | 'ok'; readonly title?: string; readonly children?: ReactNode; readonly code?: string }) {
  return (
    <div className={`notice ${tone}`} role={tone === 'bad' || tone === 'warn' ? 'alert' : 'status'}>
      <div>
        {title !== undefined ? <strong>{title} </strong> : null}
        {children}
        {code !== undefined ? <div className="code">{code}</div> : null}
      </div>
    </div>
  );
}
