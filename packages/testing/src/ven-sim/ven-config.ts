import { isAbsolute, resolve } from 'node:path';
import type { OptType, VenResource } from '@rxadr/core';
import { createConfigReader, VenConfigError, type ConfigReader } from './config-reader.js';
import type { DecisionPolicy, PolicyRule } from './decision-policy.js';

/** Where readings come from: a fixed value, or a sine wave between `min` and `max`. */
export type ReadingConfig = { readonly constant: number } | { readonly simulated: { readonly min: number; readonly max: number; readonly periodSeconds: number } };

/** A report the simulator offers (§5.1). */
export type ReportConfig =
  | {
      readonly kind: 'telemetryUsage';
      readonly resourceId: string;
      readonly measurement: string;
      readonly unit: string | undefined;
      readonly reading: ReadingConfig;
      readonly samplingRate: { readonly min: string; readonly max: string };
    }
  | { readonly kind: 'telemetryStatus'; readonly resourceId: string; readonly online: boolean };

/** The simulator's configuration after checking; file settings hold the files' PEM text. */
export interface VenSimConfig {
  readonly vtnUrl: string;
  readonly venName: string;
  readonly venId: string | undefined;
  /**
   * Client certificate, key and how the VTN's certificate is trusted (§7.1): the CA that issued
   * it, pins of it, or (explicitly) the system roots; CRL text for the CA.
   */
  readonly tls:
    | {
        readonly cert?: string;
        readonly key?: string;
        readonly ca?: string;
        readonly servername?: string;
        readonly checkServerIdentity?: boolean;
        readonly pinnedFingerprints?: readonly string[];
        readonly pinnedPublicKeys?: readonly string[];
        readonly trustSystemRoots?: boolean;
        readonly crl?: string;
      }
    | undefined;
  /**
   * XML signatures (§7.3): the VEN's signing identity, and whom to believe: pins, or a CA with
   * the VTN's identity (`vtnIdentity`). `replayStore` is the file of accepted nonces (absolute);
   * default next to `stateFile` when there is one.
   */
  readonly signing:
    | {
        readonly certPem: string;
        readonly keyPem: string;
        readonly vtnFingerprints: readonly string[];
        readonly vtnCa: readonly string[];
        readonly vtnIdentity?: { readonly commonName?: string; readonly subjectAltName?: string; readonly vtnId?: string };
        readonly anyCertificateFromCa?: boolean;
        readonly replayWindowMs: number | undefined;
        readonly replayStore: string | undefined;
      }
    | undefined;
  /** Absolute path of the state file (registration, events, opts and reports survive restarts). */
  readonly stateFile: string | undefined;
  readonly policy: DecisionPolicy;
  readonly reports: readonly ReportConfig[];
  readonly marketContexts: readonly string[] | undefined;
  /** The resources behind the VEN (a name, or a name with the groups, parties, … that name it), §4.4. */
  readonly resources: readonly VenResource[] | undefined;
  readonly pollJitter: number | undefined;
  /** Log every XML body (default true). */
  readonly logXml: boolean;
}

const DECISIONS: readonly OptType[] = ['optIn', 'optOut'];
const TOP = ['vtnUrl', 'venName', 'venId', 'tls', 'signing', 'stateFile', 'policy', 'reports', 'marketContexts', 'resources', 'pollJitter', 'logXml'];

function strings(r: ConfigReader, value: unknown, path: string): string[] | undefined {
  const list = r.array(value, path);
  return list?.map((item, i) => r.string(item, `${path}[${i}]`, true) ?? '');
}

/** The target kinds a resource may be named by in the configuration (each a list of strings). */
const RESOURCE_TARGETS = ['groupID', 'groupName', 'partyID', 'endDeviceAsset', 'meterAsset', 'pnode', 'aggregatedPnode', 'serviceDeliveryPoint'] as const;

/** `"battery-1"`, or `{ "resourceID": "battery-1", "targets": { "groupID": ["north"] }, "marketContexts": [...] }`. */
function readResources(r: ConfigReader, value: unknown): VenResource[] | undefined {
  const list = r.array(value, '$.resources');
  if (!list) return undefined;
  const resources = list.map((item, i): VenResource => {
    const path = `$.resources[${i}]`;
    if (typeof item === 'string') return { resourceID: r.string(item, path, true) ?? '' };
    const o = r.object(item, path);
    if (!o) return { resourceID: '' };
    r.known(o, path, ['resourceID', 'targets', 'marketContexts']);
    const resourceID = r.string(o['resourceID'], `${path}.resourceID`, true) ?? '';
    const targetsIn = o['targets'] === undefined ? undefined : r.object(o['targets'], `${path}.targets`);
    if (targetsIn) r.known(targetsIn, `${path}.targets`, [...RESOURCE_TARGETS]);
    const targets = Object.fromEntries(RESOURCE_TARGETS.flatMap((kind) => {
      const names = targetsIn && strings(r, targetsIn[kind], `${path}.targets.${kind}`);
      return names ? [[kind, names]] : [];
    }));
    const marketContexts = strings(r, o['marketContexts'], `${path}.marketContexts`);
    return { resourceID, ...(Object.keys(targets).length > 0 ? { targets } : {}), ...(marketContexts ? { marketContexts } : {}) };
  });
  const seen = new Set<string>();
  resources.forEach((res, i) => {
    if (res.resourceID !== '' && seen.has(res.resourceID)) r.fail(`$.resources[${i}]`, `resourceID "${res.resourceID}" is listed twice`);
    seen.add(res.resourceID);
  });
  return resources;
}

function readPolicy(r: ConfigReader, value: unknown): DecisionPolicy {
  if (value === undefined) return 'optIn';
  if (typeof value === 'string') return r.oneOf(value, '$.policy', DECISIONS) ?? 'optIn';
  const o = r.object(value, '$.policy');
  if (!o) return 'optIn';
  r.known(o, '$.policy', ['rules', 'default']);
  const rules = (r.array(o['rules'], '$.policy.rules') ?? []).map((raw, i): PolicyRule => {
    const path = `$.policy.rules[${i}]`;
    const rule = r.object(raw, path) ?? {};
    r.known(rule, path, ['signalName', 'signalType', 'minLevel', 'maxLevel', 'marketContext', 'testEvent', 'decision']);
    const optional = <T>(key: string, v: T | undefined) => (v === undefined ? {} : { [key]: v });
    return {
      ...optional('signalName', r.string(rule['signalName'], `${path}.signalName`)),
      ...optional('signalType', r.string(rule['signalType'], `${path}.signalType`)),
      ...optional('minLevel', r.number(rule['minLevel'], `${path}.minLevel`)),
      ...optional('maxLevel', r.number(rule['maxLevel'], `${path}.maxLevel`)),
      ...optional('marketContext', r.string(rule['marketContext'], `${path}.marketContext`)),
      ...optional('testEvent', r.boolean(rule['testEvent'], `${path}.testEvent`)),
      decision: r.oneOf(rule['decision'], `${path}.decision`, DECISIONS, true) ?? 'optOut',
    };
  });
  return { rules, default: r.oneOf(o['default'], '$.policy.default', DECISIONS, true) ?? 'optOut' };
}

function readReading(r: ConfigReader, value: unknown, path: string): ReadingConfig {
  const o = r.object(value, path) ?? {};
  if ('constant' in o) return { constant: r.number(o['constant'], `${path}.constant`) ?? 0 };
  const sim = r.object(o['simulated'], `${path}.simulated`) ?? {};
  r.known(sim, `${path}.simulated`, ['min', 'max', 'periodSeconds']);
  const required = (key: string) => (sim[key] === undefined ? r.fail(`${path}.simulated.${key}`, 'required') : sim[key]);
  const min = r.number(required('min'), `${path}.simulated.min`) ?? 0;
  const max = r.number(required('max'), `${path}.simulated.max`, (n) => (n < min ? `must be ≥ min (${min})` : undefined)) ?? min;
  const periodSeconds = r.number(sim['periodSeconds'] ?? 300, `${path}.simulated.periodSeconds`, (n) => (n > 0 ? undefined : 'must be positive')) ?? 300;
  return { simulated: { min, max, periodSeconds } };
}

function readReport(r: ConfigReader, value: unknown, path: string): ReportConfig | undefined {
  const o = r.object(value, path);
  if (!o) return undefined;
  const kind = r.oneOf(o['kind'], `${path}.kind`, ['telemetryUsage', 'telemetryStatus'] as const, true);
  const resourceId = r.string(o['resourceId'], `${path}.resourceId`, true) ?? '';
  if (kind === 'telemetryStatus') {
    r.known(o, path, ['kind', 'resourceId', 'online']);
    return { kind, resourceId, online: r.boolean(o['online'], `${path}.online`) ?? true };
  }
  if (kind !== 'telemetryUsage') return undefined;
  r.known(o, path, ['kind', 'resourceId', 'measurement', 'unit', 'reading', 'samplingRate']);
  const rate = r.object(o['samplingRate'] ?? { min: 'PT10S', max: 'PT1H' }, `${path}.samplingRate`) ?? {};
  return {
    kind,
    resourceId,
    measurement: r.string(o['measurement'] ?? 'powerReal', `${path}.measurement`) ?? 'powerReal',
    unit: r.string(o['unit'], `${path}.unit`),
    reading: readReading(r, o['reading'], `${path}.reading`),
    samplingRate: { min: r.string(rate['min'], `${path}.samplingRate.min`, true) ?? 'PT10S', max: r.string(rate['max'], `${path}.samplingRate.max`, true) ?? 'PT1H' },
  };
}

/**
 * Checks a parsed configuration file and loads the files it names (paths relative to `baseDir`).
 * Reports every problem at once, each with its JSON path.
 *
 * @throws VenConfigError listing the issues
 */
export function parseVenConfig(json: unknown, baseDir: string, readFile: (path: string) => string): VenSimConfig {
  const r = createConfigReader();
  const top = r.object(json, '$');
  if (!top) throw new VenConfigError(r.issues);
  r.known(top, '$', TOP);
  const file = (value: unknown, path: string, required = false): string | undefined => {
    const name = r.string(value, path, required);
    if (name === undefined) return undefined;
    const full = isAbsolute(name) ? name : resolve(baseDir, name);
    try {
      return readFile(full);
    } catch (error) {
      return r.fail(path, `cannot read ${full}: ${(error as Error).message}`);
    }
  };
  const vtnUrl = r.string(top['vtnUrl'], '$.vtnUrl', true) ?? '';
  if (vtnUrl !== '' && !/^https?:\/\//.test(vtnUrl)) r.fail('$.vtnUrl', `expected an http:// or https:// URL, found ${JSON.stringify(vtnUrl)}`);

  const tlsIn = top['tls'] === undefined ? undefined : r.object(top['tls'], '$.tls');
  if (tlsIn) r.known(tlsIn, '$.tls', ['cert', 'key', 'ca', 'servername', 'checkServerIdentity', 'pinnedFingerprints', 'pinnedPublicKeys', 'trustSystemRoots', 'crl']);
  const tls = tlsIn && {
    ...(tlsIn['cert'] !== undefined ? { cert: file(tlsIn['cert'], '$.tls.cert') ?? '' } : {}),
    ...(tlsIn['key'] !== undefined ? { key: file(tlsIn['key'], '$.tls.key') ?? '' } : {}),
    ...(tlsIn['ca'] !== undefined ? { ca: file(tlsIn['ca'], '$.tls.ca') ?? '' } : {}),
    ...(tlsIn['servername'] !== undefined ? { servername: r.string(tlsIn['servername'], '$.tls.servername') ?? '' } : {}),
    ...(tlsIn['checkServerIdentity'] !== undefined ? { checkServerIdentity: r.boolean(tlsIn['checkServerIdentity'], '$.tls.checkServerIdentity') ?? true } : {}),
    ...readTlsTrust(r, tlsIn, file),
  };
  if (tls && vtnUrl.startsWith('http://')) r.fail('$.tls', 'TLS settings need an https:// vtnUrl');
  if (tls && (tls.cert === undefined) !== (tls.key === undefined)) r.fail('$.tls', 'give both cert and key, or neither');

  const signIn = top['signing'] === undefined ? undefined : r.object(top['signing'], '$.signing');
  if (signIn) r.known(signIn, '$.signing', ['cert', 'key', 'vtnFingerprints', 'vtnCa', 'vtnIdentity', 'anyCertificateFromCa', 'replayWindowMs', 'replayStore']);
  const stateFile = r.string(top['stateFile'], '$.stateFile');
  const signing = signIn && {
    certPem: file(signIn['cert'], '$.signing.cert', true) ?? '',
    keyPem: file(signIn['key'], '$.signing.key', true) ?? '',
    vtnFingerprints: strings(r, signIn['vtnFingerprints'], '$.signing.vtnFingerprints') ?? [],
    vtnCa: signIn['vtnCa'] === undefined ? [] : [file(signIn['vtnCa'], '$.signing.vtnCa') ?? ''],
    replayWindowMs: r.number(signIn['replayWindowMs'], '$.signing.replayWindowMs', (n) => (n > 0 ? undefined : 'must be positive')),
    ...readSigningTrust(r, signIn),
    replayStore: replayStorePath(r.string(signIn['replayStore'], '$.signing.replayStore'), stateFile, baseDir),
  };
  if (signing && signing.vtnFingerprints.length === 0 && signing.vtnCa.length === 0) {
    r.fail('$.signing', 'name the VTN to trust with vtnFingerprints or vtnCa: signatures are verified whenever signing is on (fail closed)');
  }

  const config: VenSimConfig = {
    vtnUrl,
    venName: r.string(top['venName'], '$.venName', true) ?? '',
    venId: r.string(top['venId'], '$.venId'),
    tls,
    signing,
    stateFile: stateFile === undefined ? undefined : resolve(baseDir, stateFile),
    policy: readPolicy(r, top['policy']),
    reports: (r.array(top['reports'], '$.reports') ?? []).map((v, i) => readReport(r, v, `$.reports[${i}]`)).filter((x): x is ReportConfig => x !== undefined),
    marketContexts: strings(r, top['marketContexts'], '$.marketContexts'),
    resources: readResources(r, top['resources']),
    pollJitter: r.number(top['pollJitter'], '$.pollJitter', (n) => (n >= 0 && n < 1 ? undefined : 'must be a fraction in [0, 1)')),
    logXml: r.boolean(top['logXml'], '$.logXml') ?? true,
  };
  if (r.issues.length > 0) throw new VenConfigError(r.issues);
  return config;
}

/** TLS trust settings beyond `ca`: pins, system roots, CRL (§7.1). */
function readTlsTrust(r: ConfigReader, tlsIn: Record<string, unknown>, file: (name: unknown, path: string) => string | undefined) {
  const pinned = strings(r, tlsIn['pinnedFingerprints'], '$.tls.pinnedFingerprints');
  const publicKeys = strings(r, tlsIn['pinnedPublicKeys'], '$.tls.pinnedPublicKeys');
  const systemRoots = r.boolean(tlsIn['trustSystemRoots'], '$.tls.trustSystemRoots');
  return {
    ...(pinned !== undefined ? { pinnedFingerprints: pinned } : {}),
    ...(publicKeys !== undefined ? { pinnedPublicKeys: publicKeys } : {}),
    ...(systemRoots !== undefined ? { trustSystemRoots: systemRoots } : {}),
    ...(tlsIn['crl'] !== undefined ? { crl: file(tlsIn['crl'], '$.tls.crl') ?? '' } : {}),
  };
}

/** Who the signing VTN is when trust comes from a CA (§7.3). */
function readSigningTrust(r: ConfigReader, signIn: Record<string, unknown>) {
  const identityIn = signIn['vtnIdentity'] === undefined ? undefined : r.object(signIn['vtnIdentity'], '$.signing.vtnIdentity');
  if (identityIn) r.known(identityIn, '$.signing.vtnIdentity', ['commonName', 'subjectAltName', 'vtnId']);
  const field = (key: string) => {
    const value = identityIn && r.string(identityIn[key], `$.signing.vtnIdentity.${key}`);
    return value === undefined ? {} : { [key]: value };
  };
  const any = r.boolean(signIn['anyCertificateFromCa'], '$.signing.anyCertificateFromCa');
  return {
    ...(identityIn ? { vtnIdentity: { ...field('commonName'), ...field('subjectAltName'), ...field('vtnId') } } : {}),
    ...(any !== undefined ? { anyCertificateFromCa: any } : {}),
  };
}

/** The nonce file: as configured, else next to the state file, else none (memory only). */
function replayStorePath(configured: string | undefined, stateFile: string | undefined, baseDir: string): string | undefined {
  if (configured !== undefined) return resolve(baseDir, configured);
  return stateFile === undefined ? undefined : `${resolve(baseDir, stateFile)}.nonces.jsonl`;
}
