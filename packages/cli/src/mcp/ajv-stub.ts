/**
 * Build-time stand-in for the SDK's `validation/ajv-provider.js` (see tsup.config.ts): the
 * server never validates elicitation input, so Ajv stays out of the bundle.
 */
export class AjvJsonSchemaValidator {
  getValidator(): never {
    throw new Error("JSON Schema validation is not bundled in nodedc-tasker");
  }
}
