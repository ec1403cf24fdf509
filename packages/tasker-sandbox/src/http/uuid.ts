/** Django's `<uuid:...>` converter: lowercase canonical form only; anything else is an unmatched URL. */
const UUID_PATH = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** UUIDs inside JSON bodies: Django's UUIDField accepts any case. */
const UUID_ANY_CASE = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

export function isPathUuid(value: string): boolean {
  return UUID_PATH.test(value);
}

/** Normalises a body UUID to the canonical lowercase dashed form, or null when it is not one. */
export function normaliseBodyUuid(value: unknown): string | null {
  if (typeof value !== "string" || !UUID_ANY_CASE.test(value)) return null;
  const hex = value.replace(/-/g, "").toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
