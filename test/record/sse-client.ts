/** A minimal server-sent events client for tests: reads messages and comments from a real HTTP response. */

export interface SseMessage {
  readonly id?: string;
  readonly event?: string;
  readonly data: string;
}

export interface SseConnection {
  readonly status: number;
  readonly headers: Headers;
  /** The next message (comments are collected, not returned); rejects after `timeoutMs`. */
  next(timeoutMs?: number): Promise<SseMessage>;
  /** Messages until one satisfies `done` (inclusive). */
  until(done: (m: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage[]>;
  /** Comment lines received so far (": heartbeat"). */
  readonly comments: string[];
  close(): void;
}

export async function connectSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const comments: string[] = [];
  const queue: SseMessage[] = [];
  let buffer = '';
  let closed = false;
  // One read in flight at a time: a read that loses a race against the timeout is awaited again, not dropped.
  let pending: ReturnType<typeof reader.read> | undefined;

  const parse = () => {
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const message: { id?: string; event?: string; data: string[] } = { data: [] };
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) comments.push(line);
        else if (line.startsWith('id: ')) message.id = line.slice(4);
        else if (line.startsWith('event: ')) message.event = line.slice(7);
        else if (line.startsWith('data: ')) message.data.push(line.slice(6));
      }
      if (message.data.length > 0) queue.push({ ...(message.id !== undefined ? { id: message.id } : {}), ...(message.event !== undefined ? { event: message.event } : {}), data: message.data.join('\n') });
    }
  };

  const next = async (timeoutMs = 5_000): Promise<SseMessage> => {
    const deadline = Date.now() + timeoutMs;
    while (queue.length === 0) {
      if (closed) throw new Error('the stream ended');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no message within the time limit');
      pending ??= reader.read();
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([pending, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), left)))]);
      clearTimeout(timer);
      if (chunk === 'timeout') continue;
      pending = undefined;
      if (chunk.done) closed = true;
      else buffer += decoder.decode(chunk.value, { stream: true });
      parse();
    }
    return queue.shift()!;
  };

  return {
    status: response.status,
    headers: response.headers,
    next,
    async until(done, timeoutMs = 5_000) {
      const out: SseMessage[] = [];
      for (;;) {
        const m = await next(timeoutMs);
        out.push(m);
        if (done(m)) return out;
      }
    },
    comments,
    close() {
      controller.abort();
      reader.cancel().catch(() => {});
    },
  };
}
