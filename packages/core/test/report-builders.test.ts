import { describe, expect, it } from 'vitest';
import { of } from 'rxjs';
import { Duration, ReportError, customReport, historyUsage, itemBaseFor, telemetryStatus, telemetryUsage, type ReportCapability } from '../src/index.js';
import { createReportCatalog, registerReport } from '../src/engine.js';
import { assertSchemaValid, requireSchema } from './report-helpers.js';

const power = () => telemetryUsage({ resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', readings$: of(1), samplingRate: { min: 'PT10S', max: 'PT1H' } });
const energy = () => telemetryUsage({ resourceId: 'meter-1', measurement: 'energyReal', readings$: of(1), samplingRate: { min: 'PT1M', max: 'PT1H' }, scale: 'k' });
const status = () => telemetryStatus({ resourceId: 'chiller-A', status$: of({ online: true }) });
const history = () =>
  historyUsage({ resourceId: 'meter-1', measurement: 'energyReal', historyDuration: 'P30D', samplingRate: { min: 'PT15M', max: 'P1D' }, query: () => [] });
const custom = () =>
  customReport({ reportName: 'x-thermostat', resourceId: 'tstat-1', rID: 'setpoint', reportType: 'setPoint', measurement: 'temperature', unit: 'celsius', readings$: of(21), samplingRate: { min: 'PT1M', max: 'PT1H' } });

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ReportError);
    expect((error as ReportError).code).toBe('config');
    return (error as ReportError).message;
  }
  throw new Error('expected a config error');
}

describe('capability builders', () => {
  it('derive stable IDs from the resource and the measurement (same on every start)', () => {
    expect([power().rID, power().reportSpecifierID]).toEqual(['meter-1/powerReal', 'telemetry-usage']);
    const { source: _a, ...first } = power();
    const { source: _b, ...second } = power();
    expect(first).toEqual(second);
    expect([status().rID, status().reportSpecifierID, history().reportSpecifierID, custom().reportSpecifierID]).toEqual([
      'chiller-A/status',
      'telemetry-status',
      'history-usage',
      'x-thermostat',
    ]);
  });

  it('fill the data point fields (§5.2)', () => {
    const p = power();
    expect(p).toMatchObject({
      reportName: 'TELEMETRY_USAGE',
      reportType: 'usage',
      readingType: 'Direct Read',
      reportDataSource: { resourceID: ['meter-1'] },
      itemBase: { type: 'powerReal', itemDescription: 'RealPower', itemUnits: 'W', siScaleCode: 'none', powerAttributes: { hertz: 50, voltage: 230, ac: true } },
    });
    expect(p.samplingRate.minPeriod.text).toBe('PT10S');
    expect(p.samplingRate.onChange).toBe(false);
    const s = status();
    expect(s).toMatchObject({ reportName: 'TELEMETRY_STATUS', reportType: 'x-resourceStatus', readingType: 'x-notApplicable' });
    expect(s.itemBase).toBeUndefined();
    expect(s.samplingRate.onChange).toBe(true);
    expect(history().source.kind).toBe('stored');
    expect(history().historyDuration?.text).toBe('P30D');
  });

  it('map every measurement of the schema list to its itemBase (§2.3)', () => {
    const table: Array<[Parameters<typeof itemBaseFor>[0], unknown]> = [
      [{ measurement: 'powerReactive' }, { itemDescription: 'ReactivePower', itemUnits: 'VAR' }],
      [{ measurement: 'powerApparent', scale: 'k' }, { itemUnits: 'VA', siScaleCode: 'k' }],
      [{ measurement: 'energyReactive' }, { itemUnits: 'VARh' }],
      [{ measurement: 'energyApparent' }, { itemUnits: 'VAh' }],
      [{ measurement: 'voltage' }, { itemDescription: 'Voltage', itemUnits: 'V' }],
      [{ measurement: 'current' }, { itemDescription: 'Current', itemUnits: 'A' }],
      [{ measurement: 'frequency' }, { itemDescription: 'Frequency', itemUnits: 'Hz' }],
      [{ measurement: 'temperature', unit: 'fahrenheit' }, { itemDescription: 'temperature', itemUnits: 'fahrenheit' }],
      [{ measurement: 'Therm' }, { itemUnits: 'thm' }],
      [{ measurement: 'currency', unit: 'EUR' }, { itemDescription: 'currency', itemUnits: 'EUR' }],
      [{ measurement: 'currencyPerKWh', unit: 'USD' }, { itemDescription: 'currencyPerKWh' }],
      [{ measurement: 'currencyPerKW', unit: 'USD' }, { itemDescription: 'currencyPerKW' }],
      [{ measurement: 'pulseCount', pulseFactor: 0.5 }, { itemDescription: 'pulse count', itemUnits: 'count', pulseFactor: 0.5 }],
      [{ measurement: 'customUnit', unit: 'w/s', description: 'widgets' }, { itemDescription: 'widgets', itemUnits: 'w/s' }],
    ];
    for (const [input, expected] of table) expect(itemBaseFor(input)).toMatchObject({ type: input.measurement, ...(expected as object) });
  });

  it('refuse wrong settings with messages that say what to use', () => {
    expect(configError(() => itemBaseFor({ measurement: 'powerReal', unit: 'kW' }))).toMatch(/'W' or 'J\/s'/);
    expect(configError(() => itemBaseFor({ measurement: 'temperature' }))).toMatch(/celsius/);
    expect(configError(() => itemBaseFor({ measurement: 'currency', unit: 'euro' }))).toMatch(/ISO 4217/);
    expect(configError(() => itemBaseFor({ measurement: 'customUnit', unit: 'x' }))).toMatch(/description/);
    expect(configError(() => telemetryUsage({ resourceId: '', measurement: 'powerReal', readings$: of(1), samplingRate: { min: 'PT1S', max: 'PT1M' } }))).toMatch(/resourceId/);
    expect(configError(() => telemetryUsage({ resourceId: 'm', measurement: 'powerReal', readings$: of(1), samplingRate: { min: 'PT1H', max: 'PT1M' } }))).toMatch(/must not exceed/);
    expect(configError(() => telemetryUsage({ resourceId: 'm', measurement: 'powerReal', readings$: of(1), samplingRate: { min: 'soon', max: 'PT1M' } }))).toMatch(/ISO 8601/);
    expect(configError(() => customReport({ reportName: 'x-a', resourceId: 'm', reportType: 'reading', samplingRate: { min: 'PT1S', max: 'PT1M' } }))).toMatch(/exactly one of readings\$/);
    expect(configError(() => telemetryUsage({ resourceId: 'm', reportSpecifierID: 'METADATA', measurement: 'powerReal', readings$: of(1), samplingRate: { min: 'PT1S', max: 'PT1M' } }))).toMatch(/reserved/);
  });

  it('a catalog groups points by reportSpecifierID in declaration order and refuses duplicates', () => {
    const catalog = createReportCatalog([power(), status(), energy(), history()]);
    expect(catalog.reports.map((r) => [r.reportSpecifierID, r.points.map((p) => p.rID)])).toEqual([
      ['telemetry-usage', ['meter-1/powerReal', 'meter-1/energyReal']],
      ['telemetry-status', ['chiller-A/status']],
      ['history-usage', ['meter-1/energyReal']],
    ]);
    expect(configError(() => createReportCatalog([power(), power()]))).toMatch(/appears twice/);
    const clash: ReportCapability = { ...status(), reportSpecifierID: 'telemetry-usage' };
    expect(configError(() => createReportCatalog([power(), clash]))).toMatch(/own reportSpecifierID/);
  });
});

describe('METADATA (oadrRegisterReport, §5.2, §5.3)', () => {
  const catalog = createReportCatalog([power(), energy(), status(), history(), custom()]);
  const now = new Date('2026-01-01T00:00:00Z');
  const message = registerReport(catalog, { requestID: 'req-1', venID: 'VEN-1', now });

  it('lists every report with METADATA_ names, reportRequestID 0, createdDateTime and one description per rID', () => {
    expect(message.oadrReport?.map((r) => [r.reportName, r.reportSpecifierID, r.reportRequestID, r.oadrReportDescription?.length])).toEqual([
      ['METADATA_TELEMETRY_USAGE', 'telemetry-usage', '0', 2],
      ['METADATA_TELEMETRY_STATUS', 'telemetry-status', '0', 1],
      ['METADATA_HISTORY_USAGE', 'history-usage', '0', 1],
      ['x-thermostat', 'x-thermostat', '0', 1],
    ]);
    expect(message.oadrReport?.every((r) => r.createdDateTime.getTime() === now.getTime())).toBe(true);
    expect(message.oadrReport?.[2]?.duration?.text).toBe('P30D');
    expect(message.oadrReport?.[0]?.oadrReportDescription?.[0]).toMatchObject({
      rID: 'meter-1/powerReal',
      reportDataSource: { resourceID: ['meter-1'] },
      oadrSamplingRate: { oadrMinPeriod: Duration.parse('PT10S'), oadrMaxPeriod: Duration.parse('PT1H'), oadrOnChange: false },
    });
    expect(message.reportRequestID).toBeUndefined();
  });

  it.runIf(requireSchema)('is valid against the schema, also when answering a METADATA request', async () => {
    await assertSchemaValid([message, registerReport(catalog, { requestID: 'req-2', venID: 'VEN-1', now, reportRequestID: 'rr-meta' }), registerReport(createReportCatalog([]), { requestID: 'r', venID: 'V', now })]);
  });
});
