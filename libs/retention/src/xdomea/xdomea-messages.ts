import { createHash } from 'node:crypto';
import { XmlNode, el, elAttrs, opt, plain, renderDocument } from './xml-writer';

/**
 * xdomea 3.1.0 disposal messages (Aussonderung): 0501 Anbieteverzeichnis (offer, metadata only),
 * 0503 Aussonderung (hand-over: metadata, history, primary files). Element names, order and code
 * lists follow xdomea-Nachrichten-AussonderungDurchfuehren.xsd and xdomea-Baukasten.xsd.
 *
 * Mapping (German ↔ code):
 *   Akte = case file; Vorgang = a Vorgang of the case file (number, Vorgangszeichen, title,
 *   open/closed) holding its documents; documents in no Vorgang sit directly in the Akteninhalt. A
 *   case file without Vorgänge carries one derived Vorgang holding all its documents (as before
 *   Vorgänge existed), so its messages keep their shape; Dokument = document; Version = document version; Format = one stored rendition (original, searchable);
 *   Primaerdokument = the file in the zip, named by the format's UUID.
 *   Kennzeichen = Aktenzeichen; Betreff = title; Laufzeit = opened..closed; ZdA = closed;
 *   Aufbewahrungsdauer = retention years (Unbefristet = keep forever);
 *   Aussonderungsart = A (archivieren) | V (vernichten) | B (bewerten);
 *   HistorienProtokollInformation = the audit trail that travels with the record; a metadata change
 *   carries MetadatumName / MetadatumAlterWert / MetadatumNeuerWert (one entry per changed field).
 */
export type MessageType = '0501' | '0502' | '0503' | '0506';

export const MESSAGE_NAMES: Record<MessageType, string> = {
  '0501': 'Aussonderung.Anbieteverzeichnis.0501',
  '0502': 'Aussonderung.Bewertungsverzeichnis.0502',
  '0503': 'Aussonderung.Aussonderung.0503',
  '0506': 'Aussonderung.AussonderungImportBestaetigen.0506',
};

export type DisposalCode = 'A' | 'V' | 'B';

export interface MessageHeader {
  processId: string;
  createdAt: Date;
  senderName: string;
  archiveName: string;
}

export interface HistoryEntry {
  /** For a metadata change: the field and its old and new value. */
  metadataName?: string | null;
  oldValue?: string | null;
  newValue?: string | null;
  actor: string;
  at: Date | string;
  action: string;
  remark?: string | null;
}

export interface PrimaryFile {
  /** UUID of the stored format; the zip entry is `<fileName>`. */
  fileName: string;
  originalName: string | null;
  mimeType: string;
  createdBy: string;
  createdAt: Date;
}

export interface XdomeaVersion {
  number: number;
  formats: PrimaryFile[];
}

export interface XdomeaDocument {
  id: string;
  /** The Vorgang it belongs to (null: directly in the case file). */
  vorgangId?: string | null;
  title: string;
  documentType: string | null;
  createdAt: Date;
  history: HistoryEntry[];
  versions: XdomeaVersion[];
}

export interface XdomeaCaseFile {
  id: string;
  reference: string;
  title: string;
  departmentCode: string;
  filePlanCode: string;
  confidentiality: string;
  openedAt: Date;
  closedAt: Date | null;
  retentionYears: number | null;
  retainUntil: Date | null;
  disposal: DisposalCode;
  history: HistoryEntry[];
  documents?: XdomeaDocument[];
  vorgaenge?: XdomeaVorgang[];
}

export interface XdomeaVorgang {
  id: string;
  number: number;
  /** Vorgangszeichen. */
  reference: string;
  title: string;
  openedAt: Date;
  closedAt: Date | null;
  history: HistoryEntry[];
}

/** Vertraulichkeitsstufe code list (urn:xoev-de:xdomea:codeliste:vertraulichkeitsstufe 1.0). */
const CONFIDENTIALITY: Record<string, { code: string; name: string }> = {
  secret: { code: '001', name: 'Geheim' },
  internal: { code: '002', name: 'NfD' },
  public: { code: '003', name: 'Offen' },
  confidential: { code: '005', name: 'VS-Vertraulich' },
};

/** Dateiformat codes by content type (urn:xoev-de:xdomea:codeliste:dateiformat). */
const FORMATS: Record<string, { code: string; version: string }> = {
  'application/pdf': { code: 'pdf', version: 'PDF' },
  'image/tiff': { code: 'tif', version: 'TIFF 6.0' },
  'image/png': { code: 'png', version: 'PNG 1.2' },
  'image/jpeg': { code: 'jpg', version: 'JPEG' },
  'application/xml': { code: 'xml', version: 'XML 1.0' },
  'text/plain': { code: 'txt', version: 'Text' },
  'application/zip': { code: 'zip', version: 'ZIP' },
};

export function extensionFor(mimeType: string): string {
  return FORMATS[mimeType]?.code ?? 'bin';
}

const date = (d: Date) => d.toISOString().slice(0, 10);
const dateTime = (d: Date | string) => (typeof d === 'string' ? d : d.toISOString());

/** A stable UUID derived from another (the Vorgang of a case file). */
export function derivedUuid(id: string, salt: string): string {
  const h = createHash('sha256').update(`${salt}:${id}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function code(name: string, value: string, listURI: string, listVersionID: string, codeName?: string): XmlNode {
  return elAttrs(name, { listURI, listVersionID }, plain('code', value), codeName ? plain('name', codeName) : null);
}

function messageTypeCode(type: MessageType): XmlNode {
  return code('Nachrichtentyp', type, 'urn:xoev-de:xdomea:codeliste:nachrichtentyp', '2.0');
}

function disposalCode(value: DisposalCode): XmlNode {
  return el('Aussonderungsart', code('Aussonderungsart', value, 'urn:xoev-de:xdomea:codeliste:aussonderungsart', '1.0'));
}

function contact(name: string, institution: string): XmlNode {
  return el(name, el('Institution', el('Name', institution)));
}

function baseHeader(type: MessageType, h: MessageHeader): XmlNode[] {
  return [
    el('ProzessID', h.processId),
    messageTypeCode(type),
    el('Erstellungszeitpunkt', h.createdAt.toISOString()),
    contact('Absender', h.senderName),
    contact('Empfaenger', h.archiveName),
    el('SendendesSystem', el('Produktname', 'E-Akte'), el('Version', '0.1.0')),
  ];
}

function history(entries: HistoryEntry[]): XmlNode[] {
  return entries.map((e) =>
    el(
      'HistorienProtokollInformation',
      opt('MetadatumName', e.metadataName ?? null),
      opt('MetadatumAlterWert', e.oldValue ?? null),
      opt('MetadatumNeuerWert', e.newValue ?? null),
      el('Akteur', e.actor), el('DatumUhrzeit', dateTime(e.at)), opt('Bemerkung', e.remark ?? null), el('Aktion', e.action)),
  );
}

function document(d: XdomeaDocument): XmlNode {
  return el(
    'Dokument',
    el('Identifikation', el('ID', d.id)),
    el('AllgemeineMetadaten', el('Betreff', d.title)),
    opt('Typ', d.documentType),
    history(d.history),
    d.versions.map((v) =>
      el(
        'Version',
        el('Nummer', String(v.number)),
        v.formats.map((f) => {
          const format = FORMATS[f.mimeType];
          return el(
            'Format',
            code('Name', format?.code ?? 'Sonstiges', 'urn:xoev-de:xdomea:codeliste:dateiformat', '2.0'),
            format ? null : el('SonstigerName', f.mimeType),
            el('Version', format?.version ?? 'unbekannt'),
            el(
              'Primaerdokument',
              el('Dateiname', f.fileName),
              opt('DateinameOriginal', f.originalName),
              el('Ersteller', f.createdBy),
              el('DatumUhrzeit', f.createdAt.toISOString()),
            ),
          );
        }),
      ),
    ),
  );
}

function caseFile(c: XdomeaCaseFile, withContent: boolean): XmlNode {
  const confidentiality = CONFIDENTIALITY[c.confidentiality] ?? CONFIDENTIALITY.internal;
  const runtime = el('Laufzeit', el('Beginn', date(c.openedAt)), c.closedAt ? el('Ende', date(c.closedAt)) : null);
  return el(
    'Akte',
    el('Identifikation', el('ID', c.id)),
    el(
      'AllgemeineMetadaten',
      el('Betreff', c.title),
      el('Kennzeichen', c.reference),
      el('Federfuehrung', c.departmentCode),
      code('Vertraulichkeitsstufe', confidentiality.code, 'urn:xoev-de:xdomea:codeliste:vertraulichkeitsstufe', '1.0', confidentiality.name),
      el('Aktenplaneinheit', el('Kennzeichen', c.filePlanCode)),
    ),
    el(
      'ArchivspezifischeMetadaten',
      el('Aufbewahrungsdauer', c.retentionYears === null ? el('Unbefristet', '1') : el('AnzahlJahre', String(c.retentionYears))),
      disposalCode(c.disposal),
      c.retainUntil ? el('Aufbewahrungsende', date(c.retainUntil)) : null,
    ),
    runtime,
    history(c.history),
    el('Akteninhalt', ...akteninhalt(c, withContent)),
  );
}

/**
 * The case file's content: documents in no Vorgang first (the schema's order), then the Vorgänge
 * with their documents; without Vorgänge, the one derived Vorgang holding every document.
 */
function akteninhalt(c: XdomeaCaseFile, withContent: boolean): XmlNode[] {
  const documents = c.documents ?? [];
  const vorgaenge = c.vorgaenge ?? [];
  if (!vorgaenge.length) {
    return [
      vorgang(
        { id: derivedUuid(c.id, 'vorgang'), number: 1, reference: `${c.reference}/1`, title: c.title, openedAt: c.openedAt, closedAt: c.closedAt, history: [] },
        c.closedAt,
        withContent ? documents : [],
      ),
    ];
  }
  const known = new Set(vorgaenge.map((v) => v.id));
  return [
    ...(withContent ? documents.filter((d) => !d.vorgangId || !known.has(d.vorgangId)).map(document) : []),
    ...vorgaenge.map((v) => vorgang(v, c.closedAt, withContent ? documents.filter((d) => d.vorgangId === v.id) : [])),
  ];
}

function vorgang(v: XdomeaVorgang, caseFileClosedAt: Date | null, documents: XdomeaDocument[]): XmlNode {
  // zdA of the case file closes its Vorgänge
  const closedAt = v.closedAt ?? caseFileClosedAt;
  return el(
    'Vorgang',
    el('Identifikation', el('ID', v.id), el('NummerImUebergeordnetenContainer', String(v.number))),
    el('AllgemeineMetadaten', el('Betreff', v.title), el('Kennzeichen', v.reference)),
    el('ZdA', closedAt ? 'true' : 'false'),
    closedAt ? el('ZdADatum', date(closedAt)) : null,
    el('Laufzeit', el('Beginn', date(v.openedAt)), closedAt ? el('Ende', date(closedAt)) : null),
    history(v.history),
    documents.map(document),
  );
}

/** 0501 Anbieteverzeichnis: the offer list, metadata only. */
export function build0501(h: MessageHeader, caseFiles: XdomeaCaseFile[]): string {
  return renderDocument(
    el(
      MESSAGE_NAMES['0501'],
      el('Kopf', ...baseHeader('0501', h), el('Empfangsbestaetigung', 'true')),
      caseFiles.map((c) => el('Schriftgutobjekt', caseFile(c, false))),
    ),
  );
}

/** 0503 Aussonderung: metadata, history and the primary files of the case files to archive. */
export function build0503(h: MessageHeader, caseFiles: XdomeaCaseFile[]): string {
  return renderDocument(
    el(
      MESSAGE_NAMES['0503'],
      el('Kopf', ...baseHeader('0503', h), el('Importbestaetigung', '1'), el('RueckmeldungArchivkennung', 'true'), el('Empfangsbestaetigung', 'true')),
      caseFiles.map((c) => el('Schriftgutobjekt', caseFile(c, true))),
    ),
  );
}

/** 0502 Bewertungsverzeichnis as the archive sends it (for tests and tools). */
export function build0502(h: MessageHeader, decisions: { id: string; code: DisposalCode }[]): string {
  return renderDocument(
    el(
      MESSAGE_NAMES['0502'],
      el('Kopf', ...baseHeader('0502', h), el('Empfangsbestaetigung', 'false')),
      decisions.map((d) => el('BewertetesObjekt', el('ID', d.id), disposalCode(d.code))),
    ),
  );
}

/** 0506 import confirmation as the archive sends it (for tests and tools). */
export function build0506(h: MessageHeader, results: { id: string; ok: boolean; archiveId?: string; error?: string }[]): string {
  return renderDocument(
    el(
      MESSAGE_NAMES['0506'],
      el('Kopf', ...baseHeader('0506', h)),
      results.map((r) => el('AusgesondertesSGO', el('IDSGO', r.id), el('Erfolgreich', r.ok ? 'true' : 'false'), opt('Fehlermeldung', r.error), opt('Archivkennung', r.archiveId))),
    ),
  );
}
