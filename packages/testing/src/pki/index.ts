// `@rxadr/testing/pki`: a throwaway certificate authority for TLS and XML-signature tests.
export { createTestCa } from './pki.js';
export type { KeyType, TestIdentity, IssueOptions, TestCa } from './pki.js';
