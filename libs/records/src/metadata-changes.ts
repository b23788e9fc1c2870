/**
 * One changed metadata field with its old and new value, as the audit trail records it
 * (`details.changes`) and xdomea's HistorienProtokollInformation carries it (MetadatumName,
 * MetadatumAlterWert, MetadatumNeuerWert).
 */
export interface MetadataChange {
  field: string;
  old: string | null;
  new: string | null;
}

/** The fields of `patch` whose value differs from `current` (undefined in the patch = unchanged). */
export function metadataChanges<T extends object>(current: T, patch: Partial<T>, fields: (keyof T & string)[]): MetadataChange[] {
  const changes: MetadataChange[] = [];
  for (const field of fields) {
    const next = patch[field];
    if (next === undefined) continue;
    const before = (current[field] ?? null) as unknown as string | null;
    if (before === next) continue;
    changes.push({ field, old: before, new: (next ?? null) as unknown as string | null });
  }
  return changes;
}
