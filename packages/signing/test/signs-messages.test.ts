import { of } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Transport } from '@rxadr/core';
import { rawXmlTap } from '@rxadr/transport';
import { xmlSignatures } from '@rxadr/signing';
import { createTestPki, type TestPki } from './helpers.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});

const plain: Transport = { send: () => of('') };

describe('transport.signsMessages', () => {
  it('is true when the wrapper signs, false when it only verifies, and survives a tap around it', () => {
    const signing = xmlSignatures({ identity: pki.vtn.ec })(plain);
    expect(signing.signsMessages).toBe(true);
    expect(xmlSignatures({ trust: { certificates: [pki.vtn.rsa.certPem] } })(plain).signsMessages).toBe(false);
    expect(rawXmlTap(() => undefined)(signing).signsMessages).toBe(true);
    expect(rawXmlTap(() => undefined)(plain).signsMessages).toBeUndefined();
  });
});
