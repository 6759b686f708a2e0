/**
 * One invalid input, named by its path in the input (`dlt.templates[0].body`) with the reason, the
 * same shape the API lists in a 422 problem (src/api/api-error.ts `FieldError`).
 */
export interface FieldError {
  field: string;
  reason: string;
}
