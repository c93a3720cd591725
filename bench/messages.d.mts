// Types of bench/messages.mjs, for the tests that pin the encoder's bytes for these messages.
import type { Duration, OadrMessage, message } from '../packages/core/src/index.js';

export interface Core {
  readonly Duration: typeof Duration;
  readonly message: typeof message;
}
export function distributeEvent(core: Core, events: number, intervals: number): OadrMessage;
export function vtnDistributeEvent(core: Core, events: number, intervals: number): OadrMessage;
export function updateReport(core: Core, rids?: number, seconds?: number): OadrMessage;
export const SIZES: ReadonlyArray<{ readonly label: string; readonly events: number; readonly intervals: number }>;
