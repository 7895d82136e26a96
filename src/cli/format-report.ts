/** The human-readable verification report. */
import type { VerifyReport } from '../store/ledger/verify-ledger.ts';

export function formatReport(report: VerifyReport, seconds: number): string {
  const lines: string[] = [];
  const rate = seconds > 0 ? Math.round(report.events / seconds) : report.events;
  if (report.ok) {
    lines.push(`OK: ${report.events} events in ${report.streams} streams verified; ${report.checkpoints} signed checkpoints consistent`);
  } else {
    const first = report.problems[0]!;
    lines.push(`FAILED: ${first.globalPosition !== undefined ? `first broken event is ${first.globalPosition}: ` : ''}${first.message}`);
    for (const p of report.problems.slice(1)) lines.push(`  also: ${p.message}`);
  }
  lines.push(`  root ${report.rootHash} (size ${report.events}), sealed up to ${report.sealedSize}`);
  for (const w of report.warnings) lines.push(`  note: ${w}`);
  lines.push(`  ${seconds.toFixed(2)} s, ${rate.toLocaleString('en-US')} events/s`);
  return lines.join('\n');
}
