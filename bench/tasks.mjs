// The functions the limit workers run, by name: each limit and the rxadr candidate beside it.
// Shared by limit-worker.mjs (timed in a worker thread of its own) and instructions-worker.mjs
// (instructions counted in a process of its own), so both measure the same code on the same data.
import { createPublicKey, verify } from 'node:crypto';
import { rawSaxes, scanParser } from './raw-saxes.mjs';

/**
 * Makes the function for `task` over `data` (`xml`; for the verification tasks also `canonical`,
 * `signature`, `publicKeyPem`, `dsa`, `certPem`, `now`). rxadr's modules are loaded only by the
 * tasks that run rxadr.
 */
export async function makeTask(task, data) {
  const make = tasks[task];
  if (make === undefined) throw new Error(`unknown task ${task}`);
  return make(data);
}

const tasks = {
  /** Raw saxes tokenizing, `xmlns: false`, no handlers: the decode limit. */
  saxes: (data) => () => rawSaxes(data.xml, false),
  /** rxadr's scan parser tokenizing, handlers doing nothing (a reference, not a limit). */
  'scan-parser': (data) => () => scanParser(data.xml),
  /** Raw saxes tokenizing + sha256 + `crypto.verify` over the canonical bytes: the verification limit. */
  'saxes+verify': (data) => {
    const key = { key: createPublicKey(data.publicKeyPem), ...data.dsa };
    const canonical = Buffer.from(data.canonical);
    const signature = Buffer.from(data.signature);
    return () => {
      rawSaxes(data.xml, false);
      if (!verify('sha256', canonical, key, signature)) throw new Error('limit: signature did not verify');
    };
  },
  /** rxadr's decode. */
  decode: async (data) => {
    const { decodeMessage } = await import('../packages/core/dist/index.js');
    return () => {
      if (!decodeMessage(data.xml).ok) throw new Error('decode failed');
    };
  },
  /** rxadr's verify + decode (pinned certificate, no replay cache). */
  'verify+decode': async (data) => {
    const { decodeMessage } = await import('../packages/core/dist/index.js');
    const { verifyPayload } = await import('../packages/signing/dist/index.js');
    const trust = { certificates: [data.certPem] };
    const now = new Date(data.now);
    return () => {
      const verified = verifyPayload(data.xml, trust, { now });
      if (!verified.ok || !decodeMessage(verified.signedObjectXml).ok) throw new Error('verification failed');
    };
  },
};
