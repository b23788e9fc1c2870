/**
 * Aktenzeichen patterns. Tokens: `{filePlanCode}`, `{departmentCode}`, `{year}`, `{seq:N}` (running
 * number, zero-padded to N digits, counted per everything else in the pattern).
 */
export interface ReferenceInput {
  filePlanCode: string;
  departmentCode: string;
  year: number;
}

const TOKEN = /\{(filePlanCode|departmentCode|year|seq(?::(\d{1,2}))?)\}/g;

export function validateReferencePattern(pattern: string): void {
  if (!/\{seq(?::\d{1,2})?\}/.test(pattern)) throw new Error(`REFERENCE_PATTERN "${pattern}" needs a {seq} or {seq:N} token`);
  const unknown = pattern.replace(TOKEN, '').match(/\{[^}]*\}/);
  if (unknown) throw new Error(`REFERENCE_PATTERN "${pattern}" has an unknown token ${unknown[0]}`);
}

/** The counter scope: the pattern with every token but the sequence filled in. */
export function referenceScope(pattern: string, input: ReferenceInput): string {
  return pattern.replace(TOKEN, (_, name: string) => (name.startsWith('seq') ? '{seq}' : String(input[name as keyof ReferenceInput])));
}

export function formatReference(pattern: string, input: ReferenceInput, seq: number): string {
  return pattern.replace(TOKEN, (_, name: string, width?: string) =>
    name.startsWith('seq') ? String(seq).padStart(width ? Number(width) : 1, '0') : String(input[name as keyof ReferenceInput]),
  );
}
