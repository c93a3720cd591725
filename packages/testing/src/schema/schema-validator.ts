import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { validateXML, type XMLFileInfo } from 'xmllint-wasm';

/** The result of validating one document against the OpenADR 2.0b schema. */
export interface SchemaValidation {
  readonly name: string;
  readonly valid: boolean;
  readonly errors: readonly string[];
}

/** Validates documents against `oadr_20b.xsd` with a real XSD validator (libxml2 compiled to WebAssembly). */
export interface SchemaValidator {
  /** Validates many documents in one call (each call costs a schema compile: batch them). */
  validate(documents: Readonly<Record<string, string>>): Promise<SchemaValidation[]>;
  /** Validates and throws an Error listing every invalid document with its errors. */
  assertValid(documents: Readonly<Record<string, string>>): Promise<void>;
}

/**
 * The schema folder: `$OADR_SCHEMA_DIR`, else `../shared/oadr-schema` from the working directory.
 * rxadr does not ship the XSD files; point this at your copy of the OpenADR 2.0b schema.
 */
export function schemaDir(): string {
  return resolve(process.env['OADR_SCHEMA_DIR'] ?? join(process.cwd(), '..', 'shared', 'oadr-schema'));
}

/** True when the schema folder holds `oadr_20b.xsd`. */
export function schemaAvailable(dir: string = schemaDir()): boolean {
  return existsSync(join(dir, 'oadr_20b.xsd'));
}

/**
 * Creates a validator for the OpenADR 2.0b XSD set in `dir` (default `schemaDir()`); every schema
 * file is preloaded under its own name so the imports resolve.
 */
export function createSchemaValidator(dir: string = schemaDir()): SchemaValidator {
  if (!schemaAvailable(dir)) {
    throw new Error(`OpenADR schema not found: ${join(dir, 'oadr_20b.xsd')} is missing (set OADR_SCHEMA_DIR to the folder holding the 2.0b XSD files)`);
  }
  const files: XMLFileInfo[] = readdirSync(dir)
    .filter((f) => f.endsWith('.xsd'))
    .map((fileName) => ({ fileName, contents: readFileSync(join(dir, fileName)) }));
  const main = files.find((f) => f.fileName === 'oadr_20b.xsd')!;
  const preload = files.filter((f) => f !== main);

  const validate = async (documents: Readonly<Record<string, string>>): Promise<SchemaValidation[]> => {
    const names = Object.keys(documents);
    if (names.length === 0) return [];
    const fileNames = names.map((_, i) => `doc${i}.xml`);
    const result = await validateXML({
      xml: names.map((name, i) => ({ fileName: fileNames[i]!, contents: documents[name]! })),
      schema: main,
      preload,
      maxMemoryPages: 4096,
    });
    const errorsByFile = new Map<string, string[]>();
    for (const error of result.errors) {
      const file = error.loc?.fileName ?? /^(doc\d+\.xml)/.exec(error.rawMessage)?.[1] ?? '?';
      const list = errorsByFile.get(file) ?? [];
      list.push(error.message || error.rawMessage);
      errorsByFile.set(file, list);
    }
    return names.map((name, i) => {
      const errors = errorsByFile.get(fileNames[i]!) ?? [];
      return { name, valid: errors.length === 0, errors };
    });
  };

  return {
    validate,
    async assertValid(documents) {
      const invalid = (await validate(documents)).filter((r) => !r.valid);
      if (invalid.length > 0) {
        throw new Error(`schema-invalid documents:\n${invalid.map((r) => `- ${r.name}: ${r.errors.join('; ')}`).join('\n')}`);
      }
    },
  };
}

/** Collects documents during a test file and validates them all at the end, each distinct one once. */
export interface SchemaCheck {
  /** Adds a document under a name for the error message; a document seen before is not added again. */
  add(name: string, xml: string): void;
  readonly size: number;
  /**
   * Validates everything added, in batches. Without the schema folder it throws under `CI=true`
   * (a check that cannot run must fail there) and otherwise returns without checking.
   */
  assertAllValid(): Promise<void>;
}

/** Creates a {@link SchemaCheck} (e.g. fill it in `afterEach`, call `assertAllValid` in `afterAll`). */
export function createSchemaCheck(dir: string = schemaDir(), batch = 100): SchemaCheck {
  const documents = new Map<string, string>();
  return {
    add(name, xml) {
      if (!documents.has(xml)) documents.set(xml, name);
    },
    get size() {
      return documents.size;
    },
    async assertAllValid() {
      if (!schemaAvailable(dir)) {
        if (process.env['CI'] === 'true') throw new Error(`OpenADR schema missing in ${dir}: set OADR_SCHEMA_DIR`);
        return;
      }
      const validator = createSchemaValidator(dir);
      const list = [...documents].map(([xml, name]) => [name, xml] as const);
      for (let i = 0; i < list.length; i += batch) await validator.assertValid(Object.fromEntries(list.slice(i, i + batch)));
    },
  };
}
