import { map } from 'rxjs';
import { optIn, optOut, type DecisionOperator, type EventSnapshot, type OptType } from '@rxadr/core';

/**
 * One rule of a decision policy. Every condition given must hold; a rule without conditions
 * matches every event.
 */
export interface PolicyRule {
  /** The event has a signal with this `signalName` (e.g. `SIMPLE`, `ELECTRICITY_PRICE`, `x-custom`). */
  readonly signalName?: string;
  readonly signalType?: string;
  /** The highest interval value of the matching signals is at least this. */
  readonly minLevel?: number;
  /** The highest interval value of the matching signals is at most this. */
  readonly maxLevel?: number;
  readonly marketContext?: string;
  /** Matches test events (`true`) or real events (`false`) only (rule 6). */
  readonly testEvent?: boolean;
  readonly decision: OptType;
}

/**
 * How the simulator decides: opt in to everything, opt out of everything, or rules tried in
 * order with a default for events no rule matches.
 *
 * @example
 * { rules: [{ signalName: 'SIMPLE', minLevel: 2, decision: 'optIn' }], default: 'optOut' }
 */
export type DecisionPolicy = OptType | { readonly rules: readonly PolicyRule[]; readonly default: OptType };

/** Whether `rule` holds for `event`. */
export function ruleMatches(rule: PolicyRule, event: EventSnapshot): boolean {
  if (rule.marketContext !== undefined && rule.marketContext !== event.marketContext) return false;
  if (rule.testEvent !== undefined && rule.testEvent !== event.testEvent) return false;
  const signals = event.signals.filter((s) => (rule.signalName === undefined || s.signalName === rule.signalName) && (rule.signalType === undefined || s.signalType === rule.signalType));
  if (signals.length === 0) return rule.signalName === undefined && rule.signalType === undefined && rule.minLevel === undefined && rule.maxLevel === undefined;
  if (rule.minLevel === undefined && rule.maxLevel === undefined) return true;
  const values = signals.flatMap((s) => s.intervals.map((i) => i.value)).filter((v): v is number => v !== undefined);
  if (values.length === 0) return false;
  const peak = Math.max(...values);
  return (rule.minLevel === undefined || peak >= rule.minLevel) && (rule.maxLevel === undefined || peak <= rule.maxLevel);
}

/** The policy's decision for one event (the first matching rule, else the default). */
export function decideByPolicy(policy: DecisionPolicy, event: EventSnapshot): OptType {
  if (typeof policy === 'string') return policy;
  return policy.rules.find((rule) => ruleMatches(rule, event))?.decision ?? policy.default;
}

/** The policy as a decision operator for `createVen({ decide })`. */
export function policyOperator(policy: DecisionPolicy): DecisionOperator {
  return (events$) => events$.pipe(map((event) => (decideByPolicy(policy, event) === 'optIn' ? optIn(event) : optOut(event))));
}
