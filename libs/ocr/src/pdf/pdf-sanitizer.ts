import { PDFArray, PDFDict, PDFDocument, PDFName, PDFObject, PDFRef, PDFStream, type PDFContext } from 'pdf-lib';

/** Keys whose values are active content: scripts, automatic and additional actions, embedded files. */
const ACTIVE_KEYS = ['OpenAction', 'AA', 'JS', 'JavaScript', 'EmbeddedFiles', 'EF'];
const ACTIVE_ACTIONS = ['JavaScript', 'Launch'];

export interface SanitizedPdf {
  bytes: Uint8Array;
  /** What was taken out (key names, action and annotation types), for the processing log. */
  removed: string[];
}

const name = (d: PDFDict, key: string): string | undefined => {
  const v = d.get(PDFName.of(key));
  return v instanceof PDFName ? v.decodeText() : undefined;
};

const dictOf = (o: PDFObject | undefined): PDFDict | undefined => (o instanceof PDFStream ? o.dict : o instanceof PDFDict ? o : undefined);

/** Why an object is active content (a JavaScript/Launch action, a file attachment, an embedded file), or undefined. */
function activeKind(o: PDFObject | undefined): string | undefined {
  const d = dictOf(o);
  if (!d) return undefined;
  const s = name(d, 'S');
  if (s && ACTIVE_ACTIONS.includes(s)) return `${s} action`;
  if (name(d, 'Subtype') === 'FileAttachment') return 'FileAttachment annotation';
  if (name(d, 'Type') === 'EmbeddedFile') return 'EmbeddedFile';
  return undefined;
}

/** Objects that only exist for removed active content: actions, filespecs, embedded files, name-tree nodes (never pages). */
function droppable(o: PDFObject | undefined): boolean {
  const d = dictOf(o);
  if (!d) return o !== undefined && !(o instanceof PDFArray); // a script string
  if (activeKind(o)) return true;
  const type = name(d, 'Type');
  if (type === 'Page' || type === 'Pages' || type === 'Catalog' || type === 'Annot' || type === 'Font' || type === 'XObject') return false;
  return d.has(PDFName.of('S')) || type === 'Filespec' || d.has(PDFName.of('EF')) || d.has(PDFName.of('Names')) || d.has(PDFName.of('Limits')) || (d.has(PDFName.of('Kids')) && !type);
}

/** Deletes the indirect objects of a removed subtree (name-tree nodes, filespecs, actions, scripts) so nothing stays behind unreferenced. */
function dropSubtree(ctx: PDFContext, value: PDFObject | undefined, deleted: Set<string>, depth = 0): void {
  if (!value || depth > 32) return;
  if (value instanceof PDFRef) {
    const target = ctx.lookup(value);
    if (!droppable(target)) return;
    ctx.delete(value);
    deleted.add(value.toString());
    dropSubtree(ctx, target, deleted, depth + 1);
    return;
  }
  if (value instanceof PDFArray) {
    for (let i = 0; i < value.size(); i++) dropSubtree(ctx, value.get(i), deleted, depth + 1);
    return;
  }
  const d = dictOf(value);
  if (!d) return;
  for (const key of ['Kids', 'Names', 'EF', 'F', 'UF', 'Next', 'JS']) {
    const v = d.get(PDFName.of(key));
    if (v instanceof PDFRef || v instanceof PDFArray || v instanceof PDFDict) dropSubtree(ctx, v, deleted, depth + 1);
  }
}

/** A reference to an object this run deleted (it was active content): the reference goes too. */
const wasDeleted = (o: PDFObject, deleted: Set<string>) => o instanceof PDFRef && deleted.has(o.toString());

function clean(ctx: PDFContext, obj: PDFObject, removed: Set<string>, deleted: Set<string>, depth = 0): void {
  if (depth > 64) return;
  if (obj instanceof PDFArray) {
    for (let i = obj.size() - 1; i >= 0; i--) {
      const el = obj.get(i);
      const kind = activeKind(el instanceof PDFRef ? ctx.lookup(el) : el);
      if (kind || wasDeleted(el, deleted)) {
        if (kind) removed.add(kind);
        obj.remove(i);
        dropSubtree(ctx, el, deleted);
      } else if (!(el instanceof PDFRef)) clean(ctx, el, removed, deleted, depth + 1);
    }
    return;
  }
  const d = dictOf(obj);
  if (!d) return;
  for (const key of ACTIVE_KEYS) {
    const k = PDFName.of(key);
    if (!d.has(k)) continue;
    removed.add(`/${key}`);
    dropSubtree(ctx, d.get(k), deleted);
    d.delete(k);
  }
  for (const [k, v] of d.entries()) {
    const kind = activeKind(v instanceof PDFRef ? ctx.lookup(v) : v);
    if (kind || wasDeleted(v, deleted)) {
      if (kind) removed.add(kind);
      d.delete(k);
      dropSubtree(ctx, v, deleted);
    } else if (!(v instanceof PDFRef)) clean(ctx, v, removed, deleted, depth + 1);
  }
}

/**
 * A copy of a PDF without active content, for renditions (the original is never touched):
 * JavaScript (`/JS`, the `/JavaScript` name tree), `/OpenAction`, `/AA` additional actions,
 * `/Launch` actions and embedded files (`/EmbeddedFiles`, `/EF`, `/FileAttachment` annotations)
 * are removed and their objects deleted, so not even an unreferenced copy stays in the file.
 * Throws when pdf-lib cannot parse the PDF (e.g. encrypted): the caller then renders it instead.
 */
export async function sanitizePdf(bytes: Uint8Array): Promise<SanitizedPdf> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const ctx = doc.context;
  const removed = new Set<string>();
  const deleted = new Set<string>();
  const objects = ctx.enumerateIndirectObjects();
  for (const [ref, obj] of objects) {
    if (!ctx.lookup(ref)) continue; // deleted as part of an earlier subtree
    const kind = activeKind(obj);
    if (kind) {
      removed.add(kind);
      dropSubtree(ctx, ref, deleted);
      continue;
    }
    clean(ctx, obj, removed, deleted);
  }
  // a second pass drops references to objects deleted after their referrer had been cleaned
  for (const [ref, obj] of objects) if (ctx.lookup(ref)) clean(ctx, obj, removed, deleted);
  return { bytes: await doc.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false }), removed: [...removed].sort() };
}

/** Every key and action/annotation type of active content still in a PDF (for tests and checks). */
export async function activeContentOf(bytes: Uint8Array): Promise<string[]> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true });
  const found = new Set<string>();
  const visit = (o: PDFObject, depth: number) => {
    if (depth > 64) return;
    if (o instanceof PDFArray) {
      for (let i = 0; i < o.size(); i++) visit(o.get(i), depth + 1);
      return;
    }
    const d = dictOf(o);
    if (!d) return;
    const kind = activeKind(o);
    if (kind) found.add(kind);
    for (const [k, v] of d.entries()) {
      if (ACTIVE_KEYS.includes(k.decodeText())) found.add(`/${k.decodeText()}`);
      if (!(v instanceof PDFRef)) visit(v, depth + 1);
    }
  };
  for (const [, obj] of doc.context.enumerateIndirectObjects()) visit(obj, 0);
  return [...found].sort();
}
