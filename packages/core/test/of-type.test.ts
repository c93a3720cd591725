import { Subject } from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { isMessage, message, ofType, type MessageOf, type OadrMessage } from '../src/index.js';

describe('narrowing the message union', () => {
  it('ofType keeps only the named types and types its output as those members', () => {
    const messages = new Subject<OadrMessage>();
    const seen: string[] = [];
    const narrowed$ = messages.pipe(ofType('oadrDistributeEvent', 'oadrCancelReport'));
    expectTypeOf(narrowed$).toEqualTypeOf<import('rxjs').Observable<MessageOf<'oadrDistributeEvent' | 'oadrCancelReport'>>>();
    const sub = narrowed$.subscribe((m) => seen.push(m.requestID));
    messages.next(message('oadrPoll', { venID: 'v' }));
    messages.next(message('oadrDistributeEvent', { requestID: 'd-1', vtnID: 'VTN' }));
    messages.next(message('oadrCancelReport', { requestID: 'c-1', reportRequestID: ['r-1'], reportToFollow: false }));
    sub.unsubscribe();
    expect(seen).toEqual(['d-1', 'c-1']);
  });

  it('isMessage narrows a single message', () => {
    const m: OadrMessage = message('oadrPoll', { venID: 'ven-9' });
    if (isMessage(m, 'oadrPoll')) {
      expectTypeOf(m).toEqualTypeOf<MessageOf<'oadrPoll'>>();
      expect(m.venID).toBe('ven-9');
    } else {
      expect.unreachable('an oadrPoll is an oadrPoll');
    }
    expect(isMessage(m, 'oadrResponse')).toBe(false);
  });
});
