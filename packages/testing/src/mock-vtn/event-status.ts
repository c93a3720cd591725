import type { EventStatus, OadrEvent } from '@rxadr/core';

/**
 * The VTN's view of an event's status at `now` (OPENADR.md §4.5, without the VEN's random start
 * offset): `cancelled` stays; else `completed` from the end (never for an open-ended event,
 * duration PT0S, rule 47), `active` from dtstart, `near` within x-eiRampUp before it, else `far`.
 */
export function vtnEventStatus(event: OadrEvent, now: Date): EventStatus {
  if (event.eiEvent.eventDescriptor.eventStatus === 'cancelled') return 'cancelled';
  const { dtstart, duration, xEiRampUp } = event.eiEvent.eiActivePeriod.properties;
  const start = dtstart.getTime();
  const length = duration.toMillis();
  const t = now.getTime();
  if (length > 0 && t >= start + length) return 'completed';
  if (t >= start) return 'active';
  if (xEiRampUp !== undefined && t >= start - xEiRampUp.toMillis()) return 'near';
  return 'far';
}

/** The event with its eventStatus as of `now`; the same object when it has not changed (§4.5: no new modificationNumber, rule 5). */
export function withVtnStatus(event: OadrEvent, now: Date): OadrEvent {
  const eventStatus = vtnEventStatus(event, now);
  if (eventStatus === event.eiEvent.eventDescriptor.eventStatus) return event;
  return { ...event, eiEvent: { ...event.eiEvent, eventDescriptor: { ...event.eiEvent.eventDescriptor, eventStatus } } };
}
