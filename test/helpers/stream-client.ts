import http from 'node:http';

/** One chunk as the client received it, with when (ms since the request was sent). */
export interface ReceivedChunk {
  at: number;
  text: string;
}

/** What a streaming request got: status, headers, chunks in arrival order, and how it ended. */
export interface StreamReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  chunks: ReceivedChunk[];
  /** `end` for a clean end of body, `aborted` when the body was cut (no terminating chunk). */
  ended: 'end' | 'aborted';
  text: string;
}

/** Options of {@link streamRequest}. */
export interface StreamRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Called with the response once its head arrives (e.g. to pause it or destroy the socket). */
  onResponse?(res: http.IncomingMessage, req: http.ClientRequest): void;
  /** Called with the request as it is sent (e.g. to cut it before any answer). */
  onRequest?(req: http.ClientRequest): void;
}

/** Sends a request over a real socket and records each body chunk as it arrives. */
export function streamRequest(port: number, path: string, options: StreamRequestOptions = {}): Promise<StreamReply> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? (body ? 'POST' : 'GET'),
        agent: false,
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...options.headers },
      },
      (res) => {
        const chunks: ReceivedChunk[] = [];
        let ended: StreamReply['ended'] | undefined;
        const done = (how: StreamReply['ended']) => {
          if (ended) return;
          ended = how;
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            chunks,
            ended: how,
            text: chunks.map((c) => c.text).join(''),
          });
        };
        res.on('data', (d: Buffer) => chunks.push({ at: performance.now() - started, text: d.toString('utf8') }));
        res.on('end', () => done('end'));
        res.on('aborted', () => done('aborted'));
        res.on('error', () => done('aborted'));
        res.on('close', () => done(res.complete ? 'end' : 'aborted'));
        options.onResponse?.(res, req);
      },
    );
    req.on('error', reject);
    options.onRequest?.(req);
    req.end(body);
  });
}
