// API errors: 422/400 carry {"detail": [{"loc": ["body", field, ...], "msg": ...}]}, others {"detail": "..."}.

export type FieldErrors = Record<string, string>;

const LOCATIONS = new Set(["body", "query", "path", "form", "file", "payload"]);

/** The field key of a validation error's ``loc``: ["body", "style", "loras", 0, "name"] -> "style.loras.0.name". */
export function fieldKey(loc: (string | number)[]): string {
  const parts = [...loc];
  // Leading location markers ("body", Ninja's "payload"); keep a lone "file" (the upload field itself).
  while (parts.length > 1 && LOCATIONS.has(String(parts[0]))) parts.shift();
  return parts.map(String).join(".") || "__root__";
}

export function fieldErrors(detail: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (!Array.isArray(detail)) return errors;
  for (const item of detail) {
    if (!item || typeof item !== "object") continue;
    const { loc, msg } = item as { loc?: (string | number)[]; msg?: string };
    const key = fieldKey(Array.isArray(loc) ? loc : []);
    errors[key] = errors[key] ? `${errors[key]}; ${msg ?? "invalid"}` : (msg ?? "invalid");
  }
  return errors;
}

export class ApiError extends Error {
  status: number;
  detail: unknown;
  fields: FieldErrors;

  constructor(status: number, detail: unknown) {
    const fields = fieldErrors(detail);
    const message =
      typeof detail === "string"
        ? detail
        : Object.entries(fields)
            .map(([k, v]) => (k === "__root__" ? v : `${k}: ${v}`))
            .join("; ") || `request failed (${status})`;
    super(message);
    this.status = status;
    this.detail = detail;
    this.fields = fields;
  }

  /** The message for ``field`` or anything under it (``loras`` also matches ``loras.0.name``). */
  about(field: string): string | undefined {
    if (this.fields[field]) return this.fields[field];
    const prefix = `${field}.`;
    const nested = Object.entries(this.fields).filter(([k]) => k.startsWith(prefix));
    return nested.length ? nested.map(([k, v]) => `${k.slice(prefix.length)}: ${v}`).join("; ") : undefined;
  }
}

/** The message about ``field`` from any error (undefined if it is not an ApiError about that field). */
export function errorAbout(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.about(field) : undefined;
}

/** Errors not tied to one of ``fields`` (for a general message). */
export function otherErrors(error: unknown, fields: string[]): string | undefined {
  if (!error) return undefined;
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  if (typeof error.detail === "string") return error.detail;
  const rest = Object.entries(error.fields).filter(
    ([k]) => !fields.some((f) => k === f || k.startsWith(`${f}.`)),
  );
  return rest.length ? rest.map(([k, v]) => (k === "__root__" ? v : `${k}: ${v}`)).join("; ") : undefined;
}

/** The messages of the request's LoRAs that are not installed (the author may generate without them). */
export function missingLoras(error: unknown): string[] {
  if (!(error instanceof ApiError)) return [];
  return Object.entries(error.fields)
    .filter(([key, message]) => /^generation\.loras\.\d+$/.test(key) && message.includes("not installed"))
    .map(([, message]) => message);
}
