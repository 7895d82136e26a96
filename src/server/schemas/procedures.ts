import { z } from '@hono/zod-openapi';
import { Id } from './common.ts';

export const ProcedureParams = z.object({ procedure: Id });
export const VersionParams = z.object({ procedure: Id, version: z.coerce.number().int().min(1).max(1_000_000) });

export const SourceBody = z.strictObject({ source: z.string().openapi({ description: 'The procedure YAML, as the engineer wrote it' }) }).openapi('ProcedureSource');

/** The two ways to send a procedure: the YAML itself, or JSON holding it. */
export const sourceContent = (description: string) => ({
  required: false,
  description,
  content: {
    'application/json': { schema: SourceBody },
    'text/yaml': { schema: z.string().openapi({ example: 'procedure: PX10-COMPRESSION\ntitle: …\nsteps: […]' }) },
    'application/yaml': { schema: z.string() },
  },
});

export const DiagnosticView = z
  .object({
    severity: z.enum(['error', 'warning']),
    code: z.string(),
    message: z.string(),
    line: z.number().int().optional(),
    column: z.number().int().optional(),
    step: z.string().optional(),
    path: z.array(z.union([z.string(), z.number()])),
  })
  .openapi('Diagnostic', { description: 'One problem the parser or checker found, with its line and column in the YAML' });

export const CheckResult = z
  .object({ ok: z.boolean(), procedure: z.string().optional(), diagnostics: z.array(DiagnosticView) })
  .openapi('CheckResult', { description: '`ok` is false when any diagnostic is an error' });

const VersionSummary = z.object({
  version: z.number().int(),
  status: z.enum(['draft', 'in_review', 'effective', 'superseded', 'retired']),
  approved: z.boolean().openapi({ description: 'In review and approved: it can be made effective' }),
  title: z.string(),
  sourceHash: z.string(),
  draftedBy: z.string(),
  approvedBy: z.string().optional(),
  effectiveFrom: z.string().optional(),
});

export const ProcedureView = z
  .object({ procedure: z.string(), effectiveVersion: z.number().int().optional(), versions: z.array(VersionSummary), version: z.number().int() })
  .openapi('Procedure', { description: '`version` is the record version (ETag); `versions` are the procedure versions' });

export const VersionView = VersionSummary.extend({
  procedure: z.string(),
  source: z.string(),
  definition: z.record(z.string(), z.unknown()).openapi({ description: 'The checked, normalised definition the engine enforces' }),
}).openapi('ProcedureVersion');

export const DraftResult = z
  .object({ id: z.string(), version: z.number().int(), log: z.object({ first: z.number().int(), last: z.number().int() }), procedureVersion: z.number().int(), diagnostics: z.array(DiagnosticView) })
  .openapi('DraftResult', { description: '`procedureVersion` is the number the draft got; `diagnostics` are the warnings' });
