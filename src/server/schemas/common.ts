/** Schemas every resource shares: ids, command headers and answers, problems, pages. */
import { z } from '@hono/zod-openapi';

/** Ids travel in URLs: letters, digits, '.', '_' and '-', starting with a letter or digit. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export const Id = z.string().regex(ID_PATTERN, "an id has letters, digits, '.', '_' and '-' only (at most 100), starting with a letter or digit");

/**
 * A number as a plant measures or counts it. The bound keeps arithmetic (unit conversion, rounding to 1e-9)
 * finite: beyond it the rules would compute Infinity instead of refusing.
 */
export const Amount = z.number().min(-1e15, 'numbers are at most 10^15 in size').max(1e15, 'numbers are at most 10^15 in size');

/** Free text people write (reasons, names): bounded so one field cannot fill the record. */
export const Text = (max = 2000) => z.string().max(max);

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'https://openbes.dev/problems/sequence_violation' }),
    title: z.string().openapi({ example: 'Unprocessable Content' }),
    status: z.number().int(),
    detail: z.string().openapi({ example: '"Granulation" cannot start yet: "Dispense excipients" must be done first.' }),
    code: z.string().openapi({ example: 'sequence_violation' }),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details; `code` is stable and machine-readable, `detail` is for people.' });

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };
const problemResponse = (description: string) => ({ description, content: problemContent });

/** The error answers every authenticated route may give. */
export const PROBLEMS = {
  400: problemResponse('Malformed JSON or a body, query, path or header the schema rejects (`errors` lists each field)'),
  401: problemResponse('Not signed in'),
  403: problemResponse('None of your roles at your site may do this'),
  404: problemResponse('No such record at your site'),
  413: problemResponse('Body too large'),
  415: problemResponse('Body is not JSON'),
} as const;

/** …and the answers of a command. */
export const COMMAND_PROBLEMS = {
  ...PROBLEMS,
  409: problemResponse('Someone else changed the record at the same moment; reload and retry'),
  412: problemResponse('If-Match names a version that is no longer current (`details.currentVersion`, and the ETag header)'),
  422: problemResponse('Refused: `code` says why, `detail` says it in words for the person, `details` gives the facts. Refusals by the rules are recorded.'),
} as const;

/** Headers every command takes. */
export const CommandHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, 'an Idempotency-Key is 1 to 200 visible ASCII characters')
    .optional()
    .openapi({ description: 'One key per user action; a retry with the same key and body gets the first answer and records nothing more.' }),
  'if-match': z
    .string()
    .regex(/^(\*|"\d{1,15}")$/, 'If-Match is a quoted version number, as the ETag gave it: "12"')
    .optional()
    .openapi({ description: 'The version (ETag) you last read: the command is refused with 412 if the record has changed since.' }),
});

export const CommandResult = z
  .object({
    id: z.string().openapi({ description: 'The record the command changed' }),
    version: z.number().int().openapi({ description: 'Its version after the command; also the ETag' }),
    log: z.object({ first: z.number().int(), last: z.number().int() }).openapi({ description: 'Global positions of the events recorded (for the live stream)' }),
  })
  .openapi('CommandResult');

/** Answers of a command on an existing record. */
export const COMMAND_ANSWERS = {
  200: { description: 'Accepted and recorded (ETag: the new version)', content: { 'application/json': { schema: CommandResult } } },
  ...COMMAND_PROBLEMS,
} as const;

/** Answers of a command that creates a record. */
export const CREATE_ANSWERS = {
  201: { description: 'Created (Location: the new record; ETag: its version)', content: { 'application/json': { schema: CommandResult } } },
  ...COMMAND_PROBLEMS,
} as const;

/** A JSON request body. */
export const jsonBody = <S extends z.ZodType>(schema: S, description?: string) => ({
  required: true,
  ...(description !== undefined ? { description } : {}),
  content: { 'application/json': { schema } },
});

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: 'Items per page (1–200)' }),
  after: Id.optional().openapi({ description: 'The `next` of the previous page' }),
});

/** One page of a list sorted by id; `next` is the cursor of the following page, absent on the last. */
export const page = <S extends z.ZodType>(item: S) => z.object({ items: z.array(item), next: z.string().optional() });

export const ok = <S extends z.ZodType>(schema: S, description: string) => ({ 200: { description, content: { 'application/json': { schema } } }, ...PROBLEMS });
