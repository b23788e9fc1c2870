/**
 * Vorgangszeichen: the case file's Aktenzeichen plus the Vorgang's running number, by
 * VORGANG_REFERENCE_PATTERN (checked at boot by the config): `{reference}` and `{n}` or `{n:W}`
 * (zero-padded to W digits), e.g. `{reference}/{n}` → `32.1.2-2026/00017/3`.
 */
export function formatVorgangReference(pattern: string, caseFileReference: string, n: number): string {
  return pattern.replace(/\{reference\}|\{n(?::(\d{1,2}))?\}/g, (token: string, width?: string) =>
    token === '{reference}' ? caseFileReference : String(n).padStart(width ? Number(width) : 1, '0'),
  );
}
