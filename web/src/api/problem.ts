/** An RFC 9457 problem as the server answers it: `detail` is the sentence for people, `code` is stable. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Thrown by the API client for any answer that is not a success. */
export class ApiProblem extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = 'ApiProblem';
    this.problem = problem;
  }
  get status(): number {
    return this.problem.status;
  }
  get code(): string {
    return this.problem.code;
  }
}

/** Reads a problem from a failed response; a body that is no problem still becomes one, with its status. */
export async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (typeof body === 'object' && body !== null && (typeof body.detail === 'string' || typeof body.code === 'string')) {
      return {
        type: body.type ?? 'about:blank',
        title: body.title ?? response.statusText,
        status: body.status ?? response.status,
        detail: body.detail ?? body.title ?? '',
        code: body.code ?? `http_${response.status}`,
        ...(body.errors !== undefined ? { errors: body.errors } : {}),
        ...(body.details !== undefined ? { details: body.details } : {}),
      };
    }
  } catch {
    // not JSON: fall through to a problem made from the status
  }
  return {
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    detail: text.trim().slice(0, 300) || `The server answered ${response.status} ${response.statusText}.`,
    code: `http_${response.status}`,
  };
}

/** A problem for when the server could not be reached at all. */
export function networkProblem(error: unknown): Problem {
  return {
    type: 'about:blank',
    title: 'No connection',
    status: 0,
    detail: `The server could not be reached (${error instanceof Error ? error.message : String(error)}). Check the connection and try again.`,
    code: 'network_error',
  };
}
