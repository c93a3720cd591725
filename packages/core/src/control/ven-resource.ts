import type { EiTarget, OadrEvent } from '../model/model-exports.js';
import { targetMatches } from '../ven/event-checks.js';

/**
 * One resource behind the VEN (a battery, a charger, an HVAC plant): its `ei:resourceID` plus the
 * other target kinds that name it (OPENADR.md §4.4), so an event for `groupID: ['north']` reaches
 * every resource of that group.
 *
 * @example
 * { resourceID: 'battery-1', targets: { groupID: ['north'], endDeviceAsset: ['Storage'] }, marketContexts: ['http://vtn.example/dr'] }
 */
export interface VenResource {
  /** Unique among the VEN's resources, non-empty. */
  readonly resourceID: string;
  /** Groups, parties, end-device assets, … that also name this resource. Default: only `resourceID`. */
  readonly targets?: Partial<Omit<EiTarget, 'resourceID' | 'venID'>>;
  /** The programs this resource takes part in; events of another market context do not drive it. Default: all. */
  readonly marketContexts?: readonly string[];
}

/** The one resource of a VEN configured without `resources`: the VEN as a whole. */
export const VEN_RESOURCE_ID = 'ven';

/** What decides which of the VEN's resources an event and its signals target. */
export interface ResourceTargeting {
  /** Never empty: without configured resources, one resource {@link VEN_RESOURCE_ID}. */
  readonly resources: readonly VenResource[];
  /** The VEN's own venID (a `venID` criterion naming it names every resource, rule 22). */
  readonly venID: string | undefined;
  /** Targets the user set for the VEN as a whole; a target naming one of them names every resource. */
  readonly venTargets: Partial<EiTarget> | undefined;
}

type Target = EiTarget | undefined;

/**
 * Whether `target` names `resource` (rule 22: empty = the whole VEN, criteria ORed). A target that
 * names the VEN itself (its venID or a target kind the user set for the whole VEN) names every
 * resource; otherwise the resource must be named by its resourceID or one of its own targets.
 */
export function targetsResource(target: Target, resource: VenResource, targeting: ResourceTargeting): boolean {
  if (target === undefined) return true;
  // Without configured targets the event engine accepted the event as addressed to the VEN (§4.4).
  if (resource.resourceID === VEN_RESOURCE_ID && targeting.venTargets === undefined && targeting.resources.length === 1) return true;
  if (targetMatches(target, targeting.venTargets ?? {}, targeting.venID)) return true;
  return targetMatches(target, { ...resource.targets, resourceID: [resource.resourceID] }, undefined);
}

/** Whether the event's market context is one the resource takes part in. */
function inProgram(event: OadrEvent, resource: VenResource): boolean {
  return resource.marketContexts === undefined || resource.marketContexts.includes(event.eiEvent.eventDescriptor.eiMarketContext);
}

/** The resourceIDs the event as a whole targets (event-level `ei:eiTarget` and market context). */
export function eventResources(event: OadrEvent, targeting: ResourceTargeting): string[] {
  return targeting.resources.filter((r) => inProgram(event, r) && targetsResource(event.eiEvent.eiTarget, r, targeting)).map((r) => r.resourceID);
}

/** The resourceIDs one signal drives: those of the event that its own `ei:eiTarget` (if any) also names (§4.3). */
export function signalResources(event: OadrEvent, signalIndex: number, targeting: ResourceTargeting): string[] {
  const signal = event.eiEvent.eiEventSignals.eiEventSignal[signalIndex];
  if (!signal) return [];
  const byEvent = new Set(eventResources(event, targeting));
  return targeting.resources.filter((r) => byEvent.has(r.resourceID) && targetsResource(signal.eiTarget, r, targeting)).map((r) => r.resourceID);
}

/** The targeting of a VEN with no configured resources: one resource, the VEN. */
export function wholeVenTargeting(venID: string | undefined, venTargets: Partial<EiTarget> | undefined): ResourceTargeting {
  return { resources: [{ resourceID: VEN_RESOURCE_ID }], venID, venTargets };
}
