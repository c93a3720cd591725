import type { EventSnapshot } from '../ven/event-snapshot.js';
import { eventResources, signalResources, type ResourceTargeting } from './ven-resource.js';

/** The snapshot with the resources of this VEN that the event and each signal target (§4.3, §4.4). */
export function targetedSnapshot(snapshot: EventSnapshot, targeting: ResourceTargeting): EventSnapshot {
  return {
    ...snapshot,
    resources: eventResources(snapshot.event, targeting),
    signals: snapshot.signals.map((s, k) => ({ ...s, resources: signalResources(snapshot.event, k, targeting) })),
  };
}
