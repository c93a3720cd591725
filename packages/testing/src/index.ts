export { createTestCa } from './pki.js';
export type { KeyType, TestIdentity, IssueOptions, TestCa } from './pki.js';
