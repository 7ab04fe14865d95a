/**
 * FIFO queue with O(1) push, shift and cancellation of any item. A cancelled item keeps its
 * slot until it reaches the head, but no longer counts in {@link size}.
 */
export class RequestQueue<T extends { cancelled?: boolean }> {
  private items: (T | undefined)[] = [];
  private head = 0;
  private live = 0;

  /** Items waiting, cancelled ones excluded. */
  get size(): number {
    return this.live;
  }

  /** Appends an item. */
  push(item: T): void {
    this.items.push(item);
    this.live++;
  }

  /** Puts an item back at the head (e.g. a request whose replica vanished before it started). */
  unshift(item: T): void {
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
    this.live++;
  }

  /** Marks a queued item cancelled; it will be skipped. */
  cancel(item: T): void {
    if (item.cancelled) return;
    item.cancelled = true;
    this.live--;
  }

  /** Removes and returns the oldest live item. */
  shift(): T | undefined {
    while (this.head < this.items.length) {
      const item = this.items[this.head];
      this.items[this.head++] = undefined;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      if (item && !item.cancelled) {
        this.live--;
        return item;
      }
    }
    return undefined;
  }

  /**
   * Offers the live items, oldest first, to `place` (true: it took the item off the queue). Stops
   * at the first refusal past `maxRefused` refusals; refused items stay queued in their order.
   */
  offer(place: (item: T) => boolean, maxRefused: number): void {
    const refused: T[] = [];
    for (let item = this.shift(); item; item = this.shift()) {
      if (place(item)) continue;
      refused.push(item);
      if (refused.length > maxRefused) break;
    }
    for (let i = refused.length - 1; i >= 0; i--) this.unshift(refused[i]);
  }

  /** Removes and returns every live item, oldest first. */
  drain(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item; item = this.shift()) out.push(item);
    return out;
  }
}
