import { anyUri, dateTime, enumeration, xsString } from '../codec/scalars.js';
import { one, opt } from '../codec/fields.js';
import { sequence } from '../codec/sequence.js';
import type { TypeOf } from '../codec/xml-codec.js';
import { NS } from '../xml/namespaces.js';
import { calendarIntervalCodec, eiResponseCodec, eiTargetCodec, qualifiedEventIdCodec } from './common.js';
import { optType } from './event.js';
import { listOf } from '../codec/list-of.js';

const { oadr, ei, pyld, emix, xcal } = NS;

export const OPT_REASONS = [
  'economic',
  'emergency',
  'mustRun',
  'notParticipating',
  'outageRunStatus',
  'overrideStatus',
  'participating',
  'x-schedule',
] as const;
export type OptReason = (typeof OPT_REASONS)[number] | `x-${string}`;

/** `xcal:vavailability`: availability windows of an opt schedule (OPENADR.md §6). */
export const vavailabilityCodec = sequence('vavailability', {
  components: one(xcal, 'components', listOf(xcal, 'available', calendarIntervalCodec, 'many')),
});
export type Vavailability = TypeOf<typeof vavailabilityCodec>;

/** oadrCreateOpt (VEN → VTN, EiOpt). The first seven fields come from EiOptType, hence requestID in the middle. */
export const createOptCodec = sequence('oadrCreateOpt', {
  optID: one(ei, 'optID', xsString),
  optType: one(ei, 'optType', optType),
  optReason: one(ei, 'optReason', enumeration('optReason', OPT_REASONS, true)),
  marketContext: opt(emix, 'marketContext', anyUri),
  venID: one(ei, 'venID', xsString),
  vavailability: opt(xcal, 'vavailability', vavailabilityCodec),
  createdDateTime: one(ei, 'createdDateTime', dateTime),
  requestID: one(pyld, 'requestID', xsString),
  qualifiedEventID: opt(ei, 'qualifiedEventID', qualifiedEventIdCodec),
  eiTarget: one(ei, 'eiTarget', eiTargetCodec),
  oadrDeviceClass: opt(oadr, 'oadrDeviceClass', eiTargetCodec),
});

export const createdOptCodec = sequence('oadrCreatedOpt', {
  eiResponse: one(ei, 'eiResponse', eiResponseCodec),
  optID: one(ei, 'optID', xsString),
});

export const cancelOptCodec = sequence('oadrCancelOpt', {
  requestID: one(pyld, 'requestID', xsString),
  optID: one(ei, 'optID', xsString),
  venID: one(ei, 'venID', xsString),
});

export const canceledOptCodec = sequence('oadrCanceledOpt', {
  eiResponse: one(ei, 'eiResponse', eiResponseCodec),
  optID: opt(ei, 'optID', xsString),
});
