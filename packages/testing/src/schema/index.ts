// `@rxadr/testing/schema`: validation of documents against the OpenADR 2.0b XSD.
export { createSchemaCheck, createSchemaValidator, schemaAvailable, schemaDir } from './schema-validator.js';
export type { SchemaCheck, SchemaValidation, SchemaValidator } from './schema-validator.js';
