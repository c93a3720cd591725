export { createTestCa } from './pki.js';
export type { KeyType, TestIdentity, IssueOptions, TestCa } from './pki.js';
export { createSchemaValidator, schemaAvailable, schemaDir } from './schema-validator.js';
export type { SchemaValidation, SchemaValidator } from './schema-validator.js';
export { createMemoryTransport } from './memory-transport.js';
export type { MemoryAnswer, MemoryHandler } from './memory-transport.js';
