import { Observable, type SchedulerLike } from 'rxjs';
import { TransportError, decodeMessage, encodeMessage, type Transport } from '@rxadr/core';
import type { VtnFaults } from './vtn-faults.js';
import type { VtnModel } from './vtn-model.js';
import type { VtnRecorder } from './vtn-recorder.js';

/**
 * The in-memory front door of the mock VTN: a pull `Transport` whose `send` answers
 * synchronously, so a whole protocol run happens under virtual time without sockets. The
 * request is decoded (an undecodable one is answered HTTP 400, as [OL] does), recorded, checked
 * against the fault plan, and handed to the model; the answer is encoded as the VTN would send it.
 */
export function createMemoryFrontDoor(model: VtnModel, faults: VtnFaults, recorder: VtnRecorder, scheduler: SchedulerLike): Transport {
  return {
    send: (request) =>
      new Observable<string>((subscriber) => {
        const decoded = decodeMessage(request.body);
        const fault = faults.take(request.service);
        recorder.record({ at: new Date(scheduler.now()), service: request.service, xml: request.body, message: decoded.ok ? decoded.message : undefined, fault });
        switch (fault) {
          case 'down':
          case 'reset':
            subscriber.error(new TransportError('connect', `${request.service}: mock VTN unreachable`));
            return;
          case 'timeout':
            subscriber.error(new TransportError('timeout', `${request.service}: mock VTN timed out`));
            return;
          case 'http-500':
            subscriber.error(new TransportError('http-status', `${request.service}: mock VTN answered HTTP 500`, { status: 500, body: '' }));
            return;
          case 'empty':
            subscriber.next('');
            subscriber.complete();
            return;
        }
        if (!decoded.ok) {
          subscriber.error(new TransportError('http-status', `${request.service}: mock VTN answered HTTP 400`, { status: 400, body: decoded.error.message }));
          return;
        }
        const answer = model.handle(decoded.message);
        subscriber.next('raw' in answer ? answer.raw : encodeMessage(answer));
        subscriber.complete();
      }),
  };
}
