import type { Transport } from '@rxadr/core';
import type { VtnKit } from '../mock-vtn/vtn-kit.js';
import type { VirtualClock } from '../time/virtual-time.js';
import type { ScenarioSigning } from './scenario-context.js';
import type { VtnSigningControls } from './signing-controls.js';

/**
 * Where one scenario runs: a mock VTN, the transport into it, the clock, and how time moves.
 * The in-memory backend answers synchronously; a network backend settles its I/O inside `advance`.
 */
export interface ScenarioBackend {
  /** A name for results and logs, e.g. `memory` or `memory+signatures`. */
  readonly mode: string;
  readonly vtn: VtnKit;
  readonly clock: VirtualClock;
  /** The transport handed to `makeVen` (unsigned: the VEN adds its own signing). */
  readonly transport: Transport;
  readonly signing: ScenarioSigning | undefined;
  /** The VTN side of signatures: tamper with or replay its next answer. Set when `signing` is. */
  readonly vtnSigning: VtnSigningControls | undefined;
  /** Moves the clock `ms` forward, running everything due (and, over a network, waiting for the exchanges it starts). */
  advance(ms: number): Promise<void>;
  /** Releases what the backend holds (sockets, servers). */
  close(): Promise<void>;
}
