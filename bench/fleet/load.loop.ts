/** Closed-loop GET load on one instance: `connections` loops, each sending the next request when the last answered. */
export class LoadLoop {
  ok = 0;
  failed = 0;
  /** Answers by version seen (the body's `version`). */
  readonly versions = new Map<string, number>();
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(
    readonly port: number,
    connections: number,
    private readonly path = '/fleet',
  ) {
    this.loops = Array.from({ length: connections }, () => this.loop());
  }

  /** Stops issuing and waits for the requests in flight. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}${this.path}`, { signal: AbortSignal.timeout(10_000) });
        const body = (await res.json()) as { version?: string };
        if (res.status === 200) {
          this.ok++;
          this.versions.set(body.version ?? '?', (this.versions.get(body.version ?? '?') ?? 0) + 1);
        } else this.failed++;
      } catch {
        this.failed++;
      }
    }
  }
}
