/** Items that share one timeout, in the order they were added (which is their deadlines' order). */
interface Lane<T> {
  readonly items: Map<T, number>;
  timer?: NodeJS.Timeout;
}

/**
 * Times out items, such as requests, with one timer per distinct timeout instead of one per item:
 * adding and removing an item costs a map entry, not a `setTimeout` and its clearing. Items of one
 * timeout expire in the order they were added; the timer wakes for the oldest and then again for
 * the oldest left. An item expires no earlier than its timeout after it was added.
 */
export class DeadlineTimer<T> {
  private readonly lanes = new Map<number, Lane<T>>();

  /**
   * @param expired called once for each item whose timeout passed (it is no longer listed).
   * @param clock milliseconds now, monotonic (`performance.now`; tests with mocked timers pass `Date.now`).
   */
  constructor(
    private readonly expired: (item: T) => void,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Lists `item` to expire in `timeoutMs`. */
  add(item: T, timeoutMs: number): void {
    let lane = this.lanes.get(timeoutMs);
    if (!lane) this.lanes.set(timeoutMs, (lane = { items: new Map() }));
    lane.items.set(item, this.clock() + timeoutMs);
    lane.timer ??= setTimeout(() => this.wake(timeoutMs), timeoutMs);
  }

  /**
   * Takes `item`, added with `timeoutMs`, off the list (it settled in time). The last item of a
   * timeout takes its timer with it, so that no timer outlives the items (nor keeps the process up).
   */
  delete(item: T, timeoutMs: number): void {
    const lane = this.lanes.get(timeoutMs);
    if (!lane?.items.delete(item) || lane.items.size > 0) return;
    clearTimeout(lane.timer);
    this.lanes.delete(timeoutMs);
  }

  /** Items listed, over all timeouts. */
  get size(): number {
    let size = 0;
    for (const lane of this.lanes.values()) size += lane.items.size;
    return size;
  }

  private wake(timeoutMs: number): void {
    const lane = this.lanes.get(timeoutMs);
    if (!lane) return;
    lane.timer = undefined;
    const now = this.clock();
    for (const [item, deadline] of lane.items) {
      if (deadline > now) break;
      lane.items.delete(item);
      this.expired(item);
    }
    const next = lane.items.values().next();
    if (next.done) {
      clearTimeout(lane.timer);
      if (this.lanes.get(timeoutMs) === lane) this.lanes.delete(timeoutMs);
      return;
    }
    lane.timer ??= setTimeout(() => this.wake(timeoutMs), Math.max(1, Math.ceil(next.value - now)));
  }
}
