import { SI_SCALE_CODES, type ItemBase } from '../model/model-exports.js';
import { ReportError } from './report-error.js';

/** A quantity a report can carry: the members of the schema's `emix:itemBase` list (OPENADR.md §2.3) except Green Button. */
export type Measurement = Exclude<ItemBase['type'], 'oadrGBDataDescription'>;

/** The SI scale of a value (`scale:siScaleCode`): `k` + `W` = kW. */
export type SiScaleCode = (typeof SI_SCALE_CODES)[number];

/** `power:powerAttributes`, required by the three power measurements. */
export interface PowerAttributes {
  readonly hertz: number;
  readonly voltage: number;
  readonly ac: boolean;
}

/** Default power attributes: 50 Hz, 230 V, AC (as [OL] defaults them). */
export const DEFAULT_POWER_ATTRIBUTES: PowerAttributes = { hertz: 50, voltage: 230, ac: true };

/** How to describe a measurement: `unit` is the `itemUnits`, checked against what the schema allows for it. */
export interface UnitOptions {
  readonly measurement: Measurement;
  /** `itemUnits`. Default: the only or first unit the schema allows (`W`, `Wh`, `V`, …); required for temperature, currencies and custom units. */
  readonly unit?: string;
  /** Default `'none'`. */
  readonly scale?: SiScaleCode;
  /** Power measurements only. Default {@link DEFAULT_POWER_ATTRIBUTES}. */
  readonly powerAttributes?: PowerAttributes;
  /** Pulse counts only: energy per pulse. Default 1. */
  readonly pulseFactor?: number;
  /** Custom units only: the `itemDescription`. */
  readonly description?: string;
}

const CURRENCY = /^[A-Z]{3}$/;
const FIXED: Partial<Record<Measurement, readonly [description: string, units: readonly string[]]>> = {
  powerReal: ['RealPower', ['W', 'J/s']],
  powerReactive: ['ReactivePower', ['VAR']],
  powerApparent: ['ApparentPower', ['VA']],
  energyReal: ['RealEnergy', ['Wh']],
  energyReactive: ['ReactiveEnergy', ['VARh']],
  energyApparent: ['ApparentEnergy', ['VAh']],
  voltage: ['Voltage', ['V']],
  current: ['Current', ['A']],
  frequency: ['Frequency', ['Hz']],
  temperature: ['temperature', ['celsius', 'fahrenheit']],
  Therm: ['Therm', ['thm']],
};
const CURRENCY_DESCRIPTION: Partial<Record<Measurement, string>> = {
  currency: 'currency',
  currencyPerKWh: 'currencyPerKWh',
  currencyPerKW: 'currencyPerKW',
  currencyPerThm: 'currency',
};
const POWER = new Set<Measurement>(['powerReal', 'powerReactive', 'powerApparent']);

function fail(message: string): never {
  throw new ReportError('config', message);
}

/**
 * Builds the `emix:itemBase` of a data point from a measurement and a unit, checking the unit
 * against the schema's list (OPENADR.md §2.3). Throws `ReportError('config')` saying what to use.
 *
 * @example
 * itemBaseFor({ measurement: 'powerReal', unit: 'W', scale: 'k' });
 * // { type: 'powerReal', itemDescription: 'RealPower', itemUnits: 'W', siScaleCode: 'k', powerAttributes: { hertz: 50, voltage: 230, ac: true } }
 */
export function itemBaseFor(options: UnitOptions): ItemBase {
  const { measurement, unit } = options;
  const siScaleCode = options.scale ?? 'none';
  if (!(SI_SCALE_CODES as readonly string[]).includes(siScaleCode)) fail(`scale must be one of ${SI_SCALE_CODES.join(', ')}, got '${String(siScaleCode)}'`);
  const fixed = FIXED[measurement];
  if (fixed) {
    const [itemDescription, units] = fixed;
    if (unit === undefined && units.length > 1 && measurement === 'temperature') fail(`measurement 'temperature' needs unit: 'celsius' or 'fahrenheit'`);
    const itemUnits = unit ?? units[0]!;
    if (!units.includes(itemUnits)) fail(`measurement '${measurement}' takes unit ${units.map((u) => `'${u}'`).join(' or ')}, got '${itemUnits}'`);
    const base = { type: measurement, itemDescription, itemUnits, siScaleCode };
    if (!POWER.has(measurement)) return base as ItemBase;
    const powerAttributes = options.powerAttributes ?? DEFAULT_POWER_ATTRIBUTES;
    if (!Number.isFinite(powerAttributes.hertz) || !Number.isFinite(powerAttributes.voltage)) fail('powerAttributes.hertz and .voltage must be finite numbers');
    return { ...base, powerAttributes } as ItemBase;
  }
  const currency = CURRENCY_DESCRIPTION[measurement];
  if (currency !== undefined) {
    if (unit === undefined || !CURRENCY.test(unit)) fail(`measurement '${measurement}' needs unit: an ISO 4217 currency code such as 'EUR' or 'USD', got ${unit === undefined ? 'none' : `'${unit}'`}`);
    return { type: measurement, itemDescription: currency, itemUnits: unit, siScaleCode } as ItemBase;
  }
  if (measurement === 'pulseCount') {
    const pulseFactor = options.pulseFactor ?? 1;
    if (!Number.isFinite(pulseFactor)) fail('pulseFactor must be a finite number');
    if (unit !== undefined && unit !== 'count') fail(`measurement 'pulseCount' takes unit 'count', got '${unit}'`);
    return { type: 'pulseCount', itemDescription: 'pulse count', itemUnits: 'count', pulseFactor };
  }
  if (measurement === 'customUnit') {
    if (!options.description || !unit) fail(`measurement 'customUnit' needs description (itemDescription) and unit (itemUnits)`);
    return { type: 'customUnit', itemDescription: options.description, itemUnits: unit, siScaleCode };
  }
  return fail(`unknown measurement '${String(measurement)}'; use one of ${[...Object.keys(FIXED), ...Object.keys(CURRENCY_DESCRIPTION), 'pulseCount', 'customUnit'].join(', ')}`);
}
