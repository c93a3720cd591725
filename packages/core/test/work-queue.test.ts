import { Observable, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createWorkQueue } from '../src/ven/work-queue.js';

describe('the work queue', () => {
  it('runs 100 000 synchronous jobs in order as a loop (no stack growth), each error reported and passed', () => {
    const errors: unknown[] = [];
    const queue = createWorkQueue((e) => errors.push(e));
    const seen: number[] = [];
    for (let i = 0; i < 100_000; i++) queue.enqueue(i === 7 ? throwError(() => new Error('seven')) : new Observable<void>((s) => (seen.push(i), s.complete())));
    expect(seen).toEqual([]); // paused until start
    queue.start();
    expect(seen).toHaveLength(99_999);
    expect(seen.slice(0, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 8]);
    expect(errors).toHaveLength(1);
  });

  it('jobs run in the order queued (also those a running job queues); an asynchronous job holds the queue; close waits for it, abort ends it', async () => {
    const queue = createWorkQueue(() => undefined);
    queue.start();
    const order: string[] = [];
    let finish: (() => void) | undefined;
    queue.enqueue(new Observable<void>((s) => {
      order.push('a');
      queue.enqueue(new Observable<void>((inner) => (order.push('c'), inner.complete())));
      finish = () => s.complete();
    }));
    queue.enqueue(new Observable<void>((s) => (order.push('b'), s.complete())));
    expect(order).toEqual(['a']);
    finish?.();
    expect(order).toEqual(['a', 'c', 'b']);
    queue.enqueue(new Observable<void>(() => void order.push('hangs')));
    let closed = false;
    const closing = queue.close().then(() => (closed = true));
    await Promise.resolve();
    expect(closed).toBe(false);
    queue.abort();
    await closing;
    queue.enqueue(new Observable<void>((s) => (order.push('late'), s.complete())));
    expect(order).toEqual(['a', 'c', 'b', 'hangs']);
  });
});
