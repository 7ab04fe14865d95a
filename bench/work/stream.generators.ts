const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One chunk, at once: time to first chunk. */
export async function* firstChunk(): AsyncGenerator<string> {
  yield 'ready';
}

/** `n` one-byte chunks as fast as they are read: chunk throughput. */
export async function* tinyChunks(n: number): AsyncGenerator<string> {
  for (let i = 0; i < n; i++) yield 'x';
}

/** `n` chunks one second apart: the slow-stream memory and CPU probe. */
export async function* slowChunks(n: number): AsyncGenerator<string> {
  for (let i = 0; i < n; i++) {
    yield `tick ${i}\n`;
    await sleep(1000);
  }
}
