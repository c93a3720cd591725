import { Subject, of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { valueInForce, type ControlPhase, type ControlValue } from '@rxadr/core';

const at = new Date('2026-01-01T00:00:00Z');
function value(resourceID: string, signalName: 'SIMPLE' | 'LOAD_DISPATCH', phase: ControlPhase, v: number | undefined): ControlValue {
  const signal = { signalName, signalType: signalName === 'SIMPLE' ? 'level' : 'setpoint', unit: undefined } as const;
  return { resourceID, signal, key: `${resourceID}|${signalName}`, phase, value: v, event: undefined, superseded: [], until: undefined, at };
}

describe('valueInForce', () => {
  it('picks one resource and signal, maps phases outside the chosen ones to undefined, and drops repeats', () => {
    const seen: (number | undefined)[] = [];
    of(
      value('b1', 'SIMPLE', 'normal', undefined),
      value('b2', 'SIMPLE', 'active', 9),
      value('b1', 'LOAD_DISPATCH', 'active', 7),
      value('b1', 'SIMPLE', 'ramp-up', 2),
      value('b1', 'SIMPLE', 'active', 2),
      value('b1', 'SIMPLE', 'active', 2),
      value('b1', 'SIMPLE', 'active', 3),
      value('b1', 'SIMPLE', 'recovery', 3),
      value('b1', 'SIMPLE', 'normal', undefined),
    )
      .pipe(valueInForce({ resourceID: 'b1', signalName: 'SIMPLE' }))
      .subscribe((v) => seen.push(v));
    expect(seen).toEqual([undefined, 2, 3, undefined]);
  });

  it('phases widens what counts: ramp-up and recovery values too', () => {
    const seen: (number | undefined)[] = [];
    of(value('b1', 'SIMPLE', 'ramp-up', 2), value('b1', 'SIMPLE', 'active', 2), value('b1', 'SIMPLE', 'recovery', 2), value('b1', 'SIMPLE', 'normal', undefined))
      .pipe(valueInForce({ signalName: 'SIMPLE', phases: ['ramp-up', 'active', 'recovery'] }))
      .subscribe((v) => seen.push(v));
    expect(seen).toEqual([2, undefined]);
  });

  it('says "normal" at once when nothing names the signal yet, and completes with its source', () => {
    const source = new Subject<ControlValue>();
    const seen: (number | undefined)[] = [];
    let completed = false;
    source.pipe(valueInForce({ signalName: 'LOAD_DISPATCH' })).subscribe({ next: (v) => seen.push(v), complete: () => (completed = true) });
    expect(seen).toEqual([undefined]);
    source.next(value('ven', 'LOAD_DISPATCH', 'active', -3));
    source.complete();
    expect([seen, completed]).toEqual([[undefined, -3], true]);
  });
});
