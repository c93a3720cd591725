import type { OadrService } from '@rxadr/core';

/** How an injected failure looks to the VEN. */
export type FaultKind = 'http-500' | 'timeout' | 'reset' | 'empty';

interface Planned {
  readonly service: OadrService | '*';
  readonly kind: FaultKind;
  remaining: number;
}

/** Fault injection for the mock VTN's front doors. */
export interface VtnFaults {
  /** The next `times` requests to `service` ('*' = any) fail as `kind`. */
  failNext(service: OadrService | '*', times: number, kind: FaultKind): void;
  /** Every request fails with a connection error until `up()`. */
  down(): void;
  up(): void;
  readonly isDown: boolean;
  /** Consumes and returns the fault for one request, if any ('down' while down). */
  take(service: OadrService): FaultKind | 'down' | undefined;
  clear(): void;
}

/** Creates an empty fault plan. */
export function createVtnFaults(): VtnFaults {
  let planned: Planned[] = [];
  let down = false;
  return {
    failNext(service, times, kind) {
      if (times > 0) planned.push({ service, kind, remaining: times });
    },
    down: () => void (down = true),
    up: () => void (down = false),
    get isDown() {
      return down;
    },
    take(service) {
      if (down) return 'down';
      const fault = planned.find((p) => p.service === '*' || p.service === service);
      if (!fault) return undefined;
      fault.remaining -= 1;
      if (fault.remaining <= 0) planned = planned.filter((p) => p !== fault);
      return fault.kind;
    },
    clear() {
      planned = [];
      down = false;
    },
  };
}
