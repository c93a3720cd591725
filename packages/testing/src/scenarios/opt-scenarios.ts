import { isVenError } from '@rxadr/core';
import { check, checkEqual, defined } from './scenario-assert.js';
import type { Scenario } from './scenario.js';
import { fromNow } from './event-scenarios.js';
import { settle } from './registration-scenarios.js';

/** Opt scenarios (OPENADR.md §3.4, §6). */
export const optScenarios: readonly Scenario[] = [
  {
    name: 'opts.availability-schedule',
    category: 'opts',
    checks: 'ven.createOpt with availability windows sends oadrCreateOpt with optID, optType, optReason, venID, vavailability, createdDateTime, a non-empty requestID and one eiTarget, and resolves on oadrCreatedOpt 200 (§3.4, §6 use 1).',
    async run(h) {
      await h.register();
      const start = new Date(fromNow(h, 24 * 60));
      const record = await settle(h, h.ven.createOpt({ optType: 'optOut', availability: [{ start, duration: 'PT4H' }] }), 'createOpt');
      const sent = defined(h.sent('oadrCreateOpt')[0], 'oadrCreateOpt');
      checkEqual([sent.optID, sent.optType, sent.venID], [record.optID, 'optOut', h.venID()], 'optID, optType, venID');
      check(sent.requestID !== '', 'oadrCreateOpt needs a requestID');
      check(sent.qualifiedEventID === undefined, 'a schedule names no event');
      const window = defined(sent.vavailability?.components[0], 'availability window');
      checkEqual([window.dtstart.getTime(), window.duration.toMillis()], [start.getTime(), 4 * 3_600_000], 'availability window');
      check(h.vtn.model.opts.has(sent.optID), 'the VTN did not receive the opt');
    },
  },
  {
    name: 'opts.event-opt-with-targets',
    category: 'opts',
    checks: 'An event-specific opt names the event version (qualifiedEventID) and carries every resource in one eiTarget (§6 use 2; DESIGN.md).',
    async run(h) {
      await h.register();
      const eventID = h.vtn.model.createEvent({ start: fromNow(h, 60) });
      await h.polls(1);
      await settle(h, h.ven.createOpt({ optType: 'optOut', event: { eventID, modificationNumber: 0 }, targets: { resourceID: ['pump-1', 'pump-2'] } }), 'createOpt');
      const sent = defined(h.sent('oadrCreateOpt')[0], 'oadrCreateOpt');
      checkEqual(sent.qualifiedEventID, { eventID, modificationNumber: 0 }, 'qualifiedEventID');
      checkEqual(sent.eiTarget.resourceID, ['pump-1', 'pump-2'], 'resources in the one eiTarget');
    },
  },
  {
    name: 'opts.cancel',
    category: 'opts',
    checks: 'ven.cancelOpt sends oadrCancelOpt with requestID, optID and venID, and resolves on oadrCanceledOpt 200 (§3.4).',
    async run(h) {
      await h.register();
      const record = await settle(h, h.ven.createOpt({ optType: 'optIn', availability: [{ start: new Date(fromNow(h, 60)), duration: 'PT1H' }] }), 'createOpt');
      await settle(h, h.ven.cancelOpt(record.optID), 'cancelOpt');
      const sent = defined(h.sent('oadrCancelOpt')[0], 'oadrCancelOpt');
      checkEqual([sent.optID, sent.venID], [record.optID, h.venID()], 'optID and venID');
      check(sent.requestID !== '', 'oadrCancelOpt needs a requestID');
      check(!h.vtn.model.opts.has(record.optID), 'the VTN still holds the opt');
    },
  },
  {
    name: 'opts.refused',
    category: 'opts',
    checks: 'An oadrCreatedOpt with a code other than 200 rejects createOpt with the code (STYLE.md rule 10) and the VEN keeps polling (§8).',
    async run(h) {
      await h.register();
      // A code that refuses the content (454) is terminal; 463 would start reconciliation instead.
      h.vtn.model.optResponseCode = '454';
      const outcome = await settle(
        h,
        h.ven.createOpt({ optType: 'optOut', availability: [{ start: new Date(fromNow(h, 60)), duration: 'PT1H' }] }).then(
          () => 'resolved',
          (error: unknown) => (isVenError(error) ? `${error.code} ${error.responseCode ?? ''}`.trim() : String(error)),
        ),
        'createOpt',
      );
      checkEqual(outcome, 'opt-rejected 454', 'outcome of a refused opt');
      h.forget();
      await h.polls(2);
      check(h.sent('oadrPoll').length > 0, 'the VEN stopped polling after a refused opt');
    },
  },
];
