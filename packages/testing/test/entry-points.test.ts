import { describe, expect, it } from 'vitest';
import * as barrel from '@rxadr/testing';
import * as mockVtn from '@rxadr/testing/mock-vtn';
import * as pki from '@rxadr/testing/pki';
import * as scenarios from '@rxadr/testing/scenarios';
import * as schema from '@rxadr/testing/schema';
import * as time from '@rxadr/testing/time';
import * as venSim from '@rxadr/testing/ven-sim';
import * as memory from '../src/memory/index.js';
import * as transport from '../src/transport/index.js';

// The curated entry points of @rxadr/testing: each room's entry and the full barrel `.` stay in step,
// so a name added to one is found in the other.
const rooms = { mockVtn, pki, scenarios, schema, time, venSim, transport, memory };

describe('@rxadr/testing entry points', () => {
  it('every value the barrel exports comes from exactly one room, as the same object', () => {
    for (const [name, value] of Object.entries(barrel)) {
      const homes = Object.entries(rooms).filter(([, room]) => name in room);
      expect(homes.map(([room]) => room), name).toHaveLength(1);
      expect((homes[0]![1] as Record<string, unknown>)[name], name).toBe(value);
    }
  });

  it('every value a room exports is in the barrel', () => {
    for (const [room, exports] of Object.entries(rooms)) {
      for (const name of Object.keys(exports)) expect(barrel, `${room}.${name}`).toHaveProperty(name);
    }
  });
});
