import { Duration, eiTarget, type EiTarget, type EventSignal, type EventStatus, type OadrEvent, type ResponseRequired, type SignalName, type SignalType } from '@rxadr/core';

/** One interval of an authored event signal. */
export interface IntervalSpec {
  readonly duration: string;
  readonly value: number;
}

/** One signal of an authored event (OPENADR.md §4.3); intervals must add up to the event duration (rule 8). */
export interface SignalSpec {
  readonly signalName: SignalName;
  readonly signalType: SignalType;
  /** Default `<eventID>-signal-<index>`. */
  readonly signalID?: string;
  readonly intervals: readonly IntervalSpec[];
  /** The unit (`emix:itemBase`), e.g. `{ type: 'currencyPerKWh', itemDescription: 'currencyPerKWh', itemUnits: 'USD', siScaleCode: 'none' }`. */
  readonly itemBase?: EventSignal['itemBase'];
  /** The signal's own `ei:eiTarget` (§4.3), e.g. `{ resourceID: ['battery-1'] }`; default none. */
  readonly targets?: Partial<EiTarget>;
}

/** What a test says about an event; everything but `start` has a default. */
export interface EventSpec {
  /** Default: generated (`event-1`, `event-2`, …). */
  readonly eventID?: string;
  readonly start: Date | string;
  /** Default `PT1H`; `PT0S` = open-ended (rule 47). */
  readonly duration?: string;
  /** Default: one interval over the whole duration with value 1. */
  readonly intervals?: readonly IntervalSpec[];
  readonly signalName?: SignalName;
  readonly signalType?: SignalType;
  /** Several signals; when given, `intervals`, `signalName` and `signalType` are ignored. */
  readonly signals?: readonly SignalSpec[];
  /** Default `http://mock-vtn.example/programs/default`. */
  readonly marketContext?: string;
  readonly priority?: number;
  readonly testEvent?: string;
  readonly rampUp?: string;
  /** `x-eiRecovery`: the window after the end for returning to normal (§4.2). */
  readonly recovery?: string;
  readonly startafter?: string;
  /** Default `always`. */
  readonly responseRequired?: ResponseRequired;
  /** Event target; default empty (every VEN it is sent to). */
  readonly targets?: Partial<EiTarget>;
  /** VENs that receive the event; default every registered VEN. */
  readonly venIDs?: readonly string[];
  readonly status?: EventStatus;
}

/** The default market context of authored events. */
export const DEFAULT_MARKET_CONTEXT = 'http://mock-vtn.example/programs/default';

function duration(text: string): Duration {
  const d = Duration.parse(text);
  if (!d) throw new RangeError(`not an ISO 8601 duration: ${text}`);
  return d;
}

/** Builds the `oadr:oadrEvent` for a spec at a modification number (OPENADR.md §4). */
export function authorEvent(spec: EventSpec & { readonly eventID: string }, modificationNumber: number, createdAt: Date): OadrEvent {
  const total = spec.duration ?? 'PT1H';
  const signals: readonly SignalSpec[] = spec.signals ?? [
    { signalName: spec.signalName ?? 'SIMPLE', signalType: spec.signalType ?? 'level', intervals: spec.intervals ?? [{ duration: total, value: 1 }] },
  ];
  return {
    eiEvent: {
      eventDescriptor: {
        eventID: spec.eventID,
        modificationNumber,
        ...(modificationNumber > 0 ? { modificationDateTime: createdAt } : {}),
        ...(spec.priority !== undefined ? { priority: spec.priority } : {}),
        eiMarketContext: spec.marketContext ?? DEFAULT_MARKET_CONTEXT,
        createdDateTime: createdAt,
        eventStatus: spec.status ?? 'far',
        ...(spec.testEvent !== undefined ? { testEvent: spec.testEvent } : {}),
      },
      eiActivePeriod: {
        properties: {
          dtstart: new Date(spec.start),
          duration: duration(total),
          ...(spec.startafter ? { tolerance: { startafter: duration(spec.startafter) } } : {}),
          ...(spec.rampUp ? { xEiRampUp: duration(spec.rampUp) } : {}),
          ...(spec.recovery ? { xEiRecovery: duration(spec.recovery) } : {}),
        },
      },
      eiEventSignals: {
        eiEventSignal: signals.map((signal, k) => ({
          intervals: signal.intervals.map((interval, i) => ({
            duration: duration(interval.duration),
            uid: String(i),
            streamPayloadBase: [{ type: 'signalPayload', payloadBase: { type: 'payloadFloat', value: interval.value } }],
          })),
          ...(signal.targets !== undefined ? { eiTarget: eiTarget(signal.targets) } : {}),
          signalName: signal.signalName,
          signalType: signal.signalType,
          signalID: signal.signalID ?? `${spec.eventID}-signal-${k}`,
          ...(signal.itemBase !== undefined ? { itemBase: signal.itemBase } : {}),
          currentValue: 0,
        })),
      },
      eiTarget: eiTarget(spec.targets),
    },
    oadrResponseRequired: spec.responseRequired ?? 'always',
  };
}
