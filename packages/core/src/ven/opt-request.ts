import { Duration } from '../codec/duration.js';
import type { MessageOf } from '../model/message.js';
import type { EiTarget, OptReason, OptType, QualifiedEventID } from '../model/model-exports.js';
import type { OptRecord } from './opt-record.js';
import { VenError } from './ven-error.js';

/** One availability window of an opt schedule (§6 use 1). */
export interface AvailabilityWindow {
  readonly start: Date;
  /** ISO 8601 duration text (`PT2H`) or a `Duration`. */
  readonly duration: Duration | string;
}

/**
 * What `ven.createOpt` takes (§6): either `availability` (a schedule) or `event` (opt in/out of
 * one event version for some resources), optionally scoped by market context and device class.
 */
export interface CreateOptRequest {
  readonly optType: OptType;
  /** Default: `x-schedule` for a schedule, `participating`/`notParticipating` for an event opt. */
  readonly optReason?: OptReason;
  readonly marketContext?: string;
  readonly availability?: readonly AvailabilityWindow[];
  readonly event?: QualifiedEventID;
  /** All targets, sent together in the one `ei:eiTarget` (empty = the whole VEN). */
  readonly targets?: Partial<EiTarget>;
  /** `oadr:oadrDeviceClass`, e.g. `{ endDeviceAsset: ['Water_Heater'] }`. */
  readonly deviceClass?: Partial<EiTarget>;
  /** Default: generated. */
  readonly optID?: string;
}

/** A complete `EiTarget` from the kinds given (every other kind empty). */
export function eiTarget(partial: Partial<EiTarget> = {}): EiTarget {
  return {
    aggregatedPnode: [...(partial.aggregatedPnode ?? [])],
    endDeviceAsset: [...(partial.endDeviceAsset ?? [])],
    meterAsset: [...(partial.meterAsset ?? [])],
    pnode: [...(partial.pnode ?? [])],
    serviceArea: [...(partial.serviceArea ?? [])],
    serviceDeliveryPoint: [...(partial.serviceDeliveryPoint ?? [])],
    serviceLocation: [...(partial.serviceLocation ?? [])],
    transportInterface: [...(partial.transportInterface ?? [])],
    groupID: [...(partial.groupID ?? [])],
    groupName: [...(partial.groupName ?? [])],
    resourceID: [...(partial.resourceID ?? [])],
    venID: [...(partial.venID ?? [])],
    partyID: [...(partial.partyID ?? [])],
  };
}

function toDuration(value: Duration | string): Duration {
  if (typeof value !== 'string') return value;
  const parsed = Duration.parse(value);
  if (!parsed) throw new VenError('config', `createOpt: ${JSON.stringify(value)} is not an ISO 8601 duration`);
  return parsed;
}

/** Builds the opt record for a request; throws `VenError('config')` for a request that is neither or both kinds. */
export function optRecord(request: CreateOptRequest, ids: { optID: string; requestID: string }, now: Date): OptRecord {
  const schedule = request.availability !== undefined;
  if (schedule === (request.event !== undefined)) {
    throw new VenError('config', 'createOpt: give either availability (an opt schedule) or event (an event-specific opt), not both or neither');
  }
  return {
    optID: request.optID ?? ids.optID,
    optType: request.optType,
    optReason: request.optReason ?? (schedule ? 'x-schedule' : request.optType === 'optIn' ? 'participating' : 'notParticipating'),
    marketContext: request.marketContext,
    vavailability: request.availability
      ? { components: request.availability.map((w) => ({ dtstart: w.start, duration: toDuration(w.duration) })) }
      : undefined,
    qualifiedEventID: request.event,
    target: eiTarget(request.targets),
    deviceClass: request.deviceClass ? eiTarget(request.deviceClass) : undefined,
    createdDateTime: now,
    requestID: ids.requestID,
    status: 'pending',
    responseCode: undefined,
  };
}

/** oadrCreateOpt for a record (§3.4, §6): optID, createdDateTime, requestID, one eiTarget with all targets. */
export function createOptMessage(record: OptRecord, venID: string): MessageOf<'oadrCreateOpt'> {
  return {
    type: 'oadrCreateOpt',
    optID: record.optID,
    optType: record.optType,
    optReason: record.optReason,
    ...(record.marketContext !== undefined ? { marketContext: record.marketContext } : {}),
    venID,
    ...(record.vavailability ? { vavailability: record.vavailability } : {}),
    createdDateTime: record.createdDateTime,
    requestID: record.requestID,
    ...(record.qualifiedEventID ? { qualifiedEventID: record.qualifiedEventID } : {}),
    eiTarget: record.target,
    ...(record.deviceClass ? { oadrDeviceClass: record.deviceClass } : {}),
  };
}
