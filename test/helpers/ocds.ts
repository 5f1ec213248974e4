import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import jsonMergePatch from 'json-merge-patch';

// both are CommonJS modules; require gives their exports without interop guesswork
const require = createRequire(import.meta.url);
interface Validator {
  (data: unknown): boolean;
  errors?: unknown;
}
interface AjvInstance {
  addSchema(schema: object, key: string): void;
  compile(schema: object): Validator;
}
const Ajv = require('ajv-draft-04').default as new (options: object) => AjvInstance;
const addFormats = require('ajv-formats').default as (ajv: AjvInstance) => void;

const dir = fileURLToPath(new URL('../../../shared/ocds/', import.meta.url));
export const hasOcdsSchemas = existsSync(`${dir}release-package-schema.json`);
if (!hasOcdsSchemas) console.warn(`OCDS validation skipped: the official schemas are not at ${dir} (CI always has ../shared).`);

let validator: Validator | undefined;

/**
 * Validates a release package against the official OCDS 1.1.5 schemas, with the bid extension merged
 * into the release schema as the standard prescribes (JSON Merge Patch), all resolved locally.
 */
export function validatePackage(pkg: unknown): { valid: boolean; errors: unknown } {
  if (!validator) {
    const read = (name: string) => JSON.parse(readFileSync(`${dir}${name}`, 'utf8'));
    const release = jsonMergePatch.apply(read('release-schema.json'), read('bid-extension-release-schema.json'));
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(release, release.id);
    validator = ajv.compile(read('release-package-schema.json'));
  }
  const valid = validator(pkg);
  return { valid, errors: validator.errors };
}
