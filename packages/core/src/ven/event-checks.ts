import type { EiTarget, OadrEvent } from '../model/model-exports.js';

/** What per-event checks compare against (rule 48). Unset market contexts disable their check. */
export interface EventCheckConfig {
  readonly venID: string | undefined;
  readonly marketContexts: ReadonlySet<string> | undefined;
  /** The VEN's own targets; undefined = none known besides its venID (only venID criteria are then compared). */
  readonly targets: Partial<EiTarget> | undefined;
}

/** A failed check: the code and description that go into the event's eventResponse (§8). */
export interface CheckFailure {
  readonly code: '460' | '462';
  readonly description: string;
}

/** Target kinds that are plain identifiers and can be compared with the VEN's own (§4.4). */
const COMPARABLE = ['aggregatedPnode', 'endDeviceAsset', 'meterAsset', 'pnode', 'serviceDeliveryPoint', 'groupID', 'groupName', 'resourceID', 'venID', 'partyID'] as const;

/**
 * Rule 22/48: an empty target (or one with only geometric criteria the VEN cannot compare) is
 * addressed to the VEN; otherwise the criteria are ORed and one match is enough. The VEN's own
 * venID always matches a `venID` criterion.
 */
export function targetMatches(target: EiTarget, own: Partial<EiTarget>, venID: string | undefined): boolean {
  let comparable = false;
  for (const kind of COMPARABLE) {
    const values = target[kind] ?? [];
    if (values.length === 0) continue;
    comparable = true;
    const mine = new Set<string>(own[kind] ?? []);
    if (kind === 'venID' && venID !== undefined) mine.add(venID);
    if (values.some((v) => mine.has(v))) return true;
  }
  return !comparable;
}

/**
 * True when a target lists only venIDs and none is the VEN's own: the one refusal the VEN can make
 * knowing nothing of itself but its venID (rule 21, rule 48). A target that also names any other
 * kind may be addressed to the VEN's resources, so it is not refused.
 */
function foreignVenTarget(target: EiTarget, venID: string | undefined): boolean {
  if (venID === undefined || (target.venID ?? []).length === 0) return false;
  if (COMPARABLE.some((kind) => kind !== 'venID' && (target[kind] ?? []).length > 0)) return false;
  return !(target.venID ?? []).includes(venID);
}

/**
 * The per-event checks of rule 48: market context (462, only when configured) and target (462, on
 * by default: against the VEN's own targets when known, else against its venID alone). Unsupported
 * signal names and types (460) never reach this point: they are caught while decoding (see
 * `decodeDistribution`).
 */
export function checkEvent(event: OadrEvent, config: EventCheckConfig): CheckFailure | undefined {
  const descriptor = event.eiEvent.eventDescriptor;
  if (config.marketContexts && !config.marketContexts.has(descriptor.eiMarketContext)) {
    return { code: '462', description: `market context ${descriptor.eiMarketContext} is not one the VEN is enrolled in` };
  }
  const target = event.eiEvent.eiTarget;
  if (config.targets ? !targetMatches(target, config.targets, config.venID) : foreignVenTarget(target, config.venID)) {
    return { code: '462', description: 'event target does not match this VEN' };
  }
  return undefined;
}
