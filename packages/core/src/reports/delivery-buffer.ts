/** What happens when the buffer is full and one more report arrives: lose the oldest waiting one, or the new one. */
export type BufferFullPolicy = 'drop-oldest' | 'drop-newest';

/**
 * An ordered, bounded FIFO of reports waiting to be delivered (the outage buffer). Every
 * operation that has to lose an item returns it, so the caller can count it.
 */
export interface DeliveryBuffer<T> {
  readonly size: number;
  /** Appends; when full, returns the item the policy dropped (the oldest waiting, or `item` itself). */
  push(item: T): T | undefined;
  /** Puts back at the front an item whose delivery failed; when full, returns the item the policy dropped. */
  putBack(item: T): T | undefined;
  shift(): T | undefined;
  /** The waiting items, oldest first. */
  items(): readonly T[];
  /** Removes and returns the items matching `predicate`. */
  remove(predicate: (item: T) => boolean): T[];
}

/** Creates an empty buffer holding at most `limit` items (`limit` ≥ 1). */
export function createDeliveryBuffer<T>(limit: number, policy: BufferFullPolicy): DeliveryBuffer<T> {
  let queue: T[] = [];
  return {
    get size() {
      return queue.length;
    },
    push(item) {
      if (queue.length < limit) {
        queue.push(item);
        return undefined;
      }
      if (policy === 'drop-newest') return item;
      queue.push(item);
      return queue.shift();
    },
    putBack(item) {
      if (queue.length < limit) {
        queue.unshift(item);
        return undefined;
      }
      // `item` is older than everything waiting, so drop-oldest loses it; drop-newest loses the tail.
      if (policy === 'drop-oldest') return item;
      queue.unshift(item);
      return queue.pop();
    },
    shift: () => queue.shift(),
    items: () => queue,
    remove(predicate) {
      const removed = queue.filter(predicate);
      if (removed.length > 0) queue = queue.filter((item) => !predicate(item));
      return removed;
    },
  };
}
