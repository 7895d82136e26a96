/** YAML source with line numbers; the lines the checker complains about are marked, the message beneath. */
import type { Diagnostic } from '../api/types.ts';

export function SourceView({ source, diagnostics }: { readonly source: string; readonly diagnostics: readonly Diagnostic[] }) {
  const byLine = new Map<number, Diagnostic[]>();
  for (const d of diagnostics) if (d.line !== undefined) byLine.set(d.line, [...(byLine.get(d.line) ?? []), d]);
  return (
    <pre className="source-view card" tabIndex={0} aria-label="Procedure source">
      {source.split('\n').map((line, i) => {
        const here = byLine.get(i + 1) ?? [];
        return (
          <span key={i} className={`line ${here.some((d) => d.severity === 'error') ? 'err' : ''}`} id={`source-line-${i + 1}`}>
            <span className="ln">{i + 1}</span>
            {line}
            {'\n'}
            {here.map((d, j) => (
              <span key={j} className={`msg ${d.severity}`}>
                ↑ {d.severity}: {d.message}
              </span>
            ))}
          </span>
        );
      })}
    </pre>
  );
}
