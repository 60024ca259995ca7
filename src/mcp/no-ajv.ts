/**
 * Stands in for @modelcontextprotocol/sdk's `validation/ajv-provider.js` in the bundles (scripts/build.mjs):
 * the server passes its own validator (elicitation-validator.ts), so Ajv is never constructed.
 */
export class AjvJsonSchemaValidator {
  constructor() {
    throw new Error('Ajv is not bundled: pass a jsonSchemaValidator (src/mcp/elicitation-validator.ts).');
  }
}
