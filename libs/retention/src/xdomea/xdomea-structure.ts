import { XMLParser } from 'fast-xml-parser';
import { MESSAGE_NAMES, MessageType } from './xdomea-messages';
import { XDOMEA_NS } from './xml-writer';

/**
 * The in-repository check of xdomea 3.1.0 messages: a transcription of the parts of the official
 * schema (element names, order, cardinality, value formats, code lists) that the messages we
 * write (0501, 0503) and read (0502, 0506) use. It needs nothing outside the repository; where
 * the official XSDs are at hand, xmllint validates against them as well (see XdomeaValidator).
 */
type Text = { text: RegExp; what: string };
type Seq = { seq: Child[] };
type Choice = { choice: Child[] };
type Any = { any: true };
type Spec = Text | Seq | Choice | Any;
/** [local name, min, max, content, qualified (xdomea:) or not]. */
type Child = [string, number, number, Spec, boolean?];

const U = Infinity;
const t = (re: RegExp, what: string): Text => ({ text: re, what });
const UUID = t(/^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/, 'a UUID');
const DATETIME = t(/^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/, 'an xs:dateTime');
const DATE = t(/^-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$/, 'an xs:date');
const BOOL = t(/^(true|false|1|0)$/, 'an xs:boolean');
const TRUE1 = t(/^(true|1)$/, 'the fixed value 1');
const UINT = t(/^\d+$/, 'an unsigned integer');
const STR = t(/^[\s\S]*$/, 'a string');
const FILENAME = t(/^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}_?.*\.?.*$/, 'a file name starting with a UUID');
const ANY: Any = { any: true };

const codeOf = (values: string[] | null): Seq => ({
  seq: [
    ['code', 1, 1, values ? t(new RegExp(`^\\s*(${values.join('|')})\\s*$`), `one of ${values.join(', ')}`) : STR, false],
    ['name', 0, 1, STR, false],
  ],
});

const KONTAKT = ANY;
const NK_BASIS: Child[] = [
  ['ProzessID', 1, 1, UUID],
  ['Nachrichtentyp', 1, 1, codeOf(['0501', '0502', '0503', '0504', '0505', '0506', '0507'])],
  ['Erstellungszeitpunkt', 1, 1, DATETIME],
  ['Absender', 1, 1, KONTAKT],
  ['Empfaenger', 1, 1, KONTAKT],
  ['SendendesSystem', 0, 1, { seq: [['InstanzID', 0, 1, STR], ['Produktname', 0, 1, STR], ['Version', 0, 1, STR]] }],
  ['Hinweis', 0, 1, STR],
  ['AnwendungsspezifischeErweiterung', 0, 1, ANY],
  ['AnwendungsspezifischeErweiterungXML', 0, 1, ANY],
];
const AUSSONDERUNGSART: Choice = { choice: [['Aussonderungsart', 1, 1, codeOf(['A', 'B', 'V'])], ['AussonderungsartKonfigurierbar', 1, 1, STR]] };
const ZEITRAUM: Seq = { seq: [['Beginn', 0, 1, DATE], ['Ende', 0, 1, DATE]] };
const HISTORY: Seq = {
  seq: [
    ['MetadatumName', 0, 1, STR],
    ['MetadatumAlterWert', 0, 1, STR],
    ['MetadatumNeuerWert', 0, 1, STR],
    ['Akteur', 1, 1, STR],
    ['DatumUhrzeit', 1, 1, DATETIME],
    ['Bemerkung', 0, 1, STR],
    ['Aktion', 1, 1, STR],
  ],
};
const IDENT: Seq = { seq: [['ID', 1, 1, UUID], ['NummerImUebergeordnetenContainer', 0, 1, UINT]] };
const ALLGEMEIN: Seq = {
  seq: [
    ['Betreff', 0, 1, STR],
    ['Kennzeichen', 0, 1, STR],
    ['Federfuehrung', 0, 1, STR],
    ['Aktenfuehrung', 0, 1, STR],
    ['Vertraulichkeitsstufe', 0, 1, codeOf(['001', '002', '003', '004', '005'])],
    ['Bemerkung', 0, 1, STR],
    ['Medium', 0, 1, codeOf(null)],
    ['Aktenplaneinheit', 0, 1, { seq: [['Kennzeichen', 0, 1, STR], ['Inhaltsangabe', 0, 1, STR], ['BetreffKurz', 0, 1, STR]] }],
  ],
};
const ARCHIVSPEZIFISCH: Seq = {
  seq: [
    ['Aufbewahrungsdauer', 0, 1, { choice: [['AnzahlJahre', 1, 1, UINT], ['Unbefristet', 1, 1, TRUE1]] }],
    ['Aussonderungsart', 0, 1, AUSSONDERUNGSART],
    ['Kennung', 0, 1, STR],
    ['Bewertungsvorschlag', 0, 1, codeOf(null)],
    ['Aufbewahrungsende', 0, 1, DATE],
  ],
};
const FORMAT: Seq = {
  seq: [
    ['Name', 1, 1, codeOf(null)],
    ['SonstigerName', 0, 1, STR],
    ['Version', 1, 1, STR],
    [
      'Primaerdokument',
      1,
      1,
      { seq: [['Dateiname', 1, 1, FILENAME], ['DateinameOriginal', 0, 1, STR], ['Ersteller', 0, 1, STR], ['DatumUhrzeit', 0, 1, DATETIME], ['SignaturSiegel', 0, 1, ANY]] },
    ],
  ],
};
const DOKUMENT: Seq = {
  seq: [
    ['Identifikation', 1, 1, IDENT],
    ['AllgemeineMetadaten', 0, 1, ALLGEMEIN],
    ['FremdesGeschaeftszeichen', 0, 1, STR],
    ['Posteingangsdatum', 0, 1, DATE],
    ['Postausgangsdatum', 0, 1, DATE],
    ['DatumDesSchreibens', 0, 1, DATE],
    ['Bezug', 0, 1, STR],
    ['Hier', 0, 1, STR],
    ['Bearbeiter', 0, 1, STR],
    ['Typ', 0, 1, STR],
    ['HistorienProtokollInformation', 0, U, HISTORY],
    ['Version', 0, U, { seq: [['Nummer', 1, 1, STR], ['Format', 1, U, FORMAT]] }],
  ],
};
const VORGANG: Seq = {
  seq: [
    ['Identifikation', 1, 1, IDENT],
    ['AllgemeineMetadaten', 0, 1, ALLGEMEIN],
    ['ArchivspezifischeMetadaten', 0, 1, ARCHIVSPEZIFISCH],
    ['Aktenbetreff', 0, 1, STR],
    ['Typ', 0, 1, STR],
    ['ZdA', 0, 1, BOOL],
    ['ZdADatum', 0, 1, DATE],
    ['Laufzeit', 0, 1, ZEITRAUM],
    ['HistorienProtokollInformation', 0, U, HISTORY],
    ['Dokument', 0, U, DOKUMENT],
  ],
};
const AKTE: Seq = {
  seq: [
    ['Identifikation', 1, 1, IDENT],
    ['AllgemeineMetadaten', 0, 1, ALLGEMEIN],
    ['ArchivspezifischeMetadaten', 0, 1, ARCHIVSPEZIFISCH],
    ['Standort', 0, 1, STR],
    ['Typ', 0, 1, STR],
    ['Laufzeit', 0, 1, ZEITRAUM],
    ['HistorienProtokollInformation', 0, U, HISTORY],
    ['Akteninhalt', 0, 1, { seq: [['Dokument', 0, U, DOKUMENT], ['Vorgang', 0, U, VORGANG]] }],
  ],
};
const SCHRIFTGUTOBJEKT: Choice = { choice: [['Akte', 1, 1, AKTE], ['Vorgang', 1, 1, VORGANG], ['Dokument', 1, 1, DOKUMENT]] };

const MESSAGES: Record<MessageType, Seq> = {
  '0501': { seq: [['Kopf', 1, 1, { seq: [...NK_BASIS, ['Empfangsbestaetigung', 1, 1, BOOL]] }], ['Schriftgutobjekt', 1, U, SCHRIFTGUTOBJEKT]] },
  '0502': {
    seq: [
      ['Kopf', 1, 1, { seq: [...NK_BASIS, ['Empfangsbestaetigung', 1, 1, BOOL]] }],
      ['BewertetesObjekt', 1, U, { seq: [['ID', 1, 1, UUID], ['Aussonderungsart', 1, 1, AUSSONDERUNGSART]] }],
    ],
  },
  '0503': {
    seq: [
      ['Kopf', 1, 1, { seq: [...NK_BASIS, ['Importbestaetigung', 1, 1, TRUE1], ['RueckmeldungArchivkennung', 1, 1, BOOL], ['Empfangsbestaetigung', 1, 1, BOOL]] }],
      ['Schriftgutobjekt', 1, U, SCHRIFTGUTOBJEKT],
    ],
  },
  '0506': {
    seq: [
      ['Kopf', 1, 1, { seq: NK_BASIS }],
      [
        'AusgesondertesSGO',
        1,
        U,
        { seq: [['IDSGO', 1, 1, UUID], ['Erfolgreich', 1, 1, BOOL], ['Fehlermeldung', 0, U, STR], ['FehlermeldungCode', 0, U, codeOf(null)], ['Archivkennung', 0, 1, STR]] },
      ],
    ],
  },
};

/** An element of the parsed tree: name (with prefix), attributes, child elements, text. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> };

function toElement(node: Ordered): XmlElement | null {
  const name = Object.keys(node).find((k) => k !== ':@');
  if (!name || name === '#text' || name.startsWith('?') || name === '#comment') return null;
  const raw = (node[name] as Ordered[]) ?? [];
  const children: XmlElement[] = [];
  let text = '';
  for (const c of raw) {
    if ('#text' in c) text += String(c['#text']);
    else {
      const e = toElement(c);
      if (e) children.push(e);
    }
  }
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(node[':@'] ?? {})) attrs[k.replace(/^@_/, '')] = String(v);
  return { name, attrs, children, text };
}

/** Parses XML into a tree (no DTDs, no entity expansion beyond the XML built-ins). */
export function parseXml(xml: string): XmlElement {
  // xdomea needs no DTD; refusing one rules out entity expansion attacks before any parser runs
  if (/<!DOCTYPE/i.test(xml)) throw new XdomeaFormatError(['DOCTYPE declarations are not accepted in xdomea messages']);
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
  });
  let parsed: Ordered[];
  try {
    parsed = parser.parse(xml, true) as Ordered[];
  } catch (e) {
    throw new XdomeaFormatError([`not well-formed XML: ${(e as Error).message}`]);
  }
  const roots = parsed.map(toElement).filter((e): e is XmlElement => !!e);
  if (roots.length !== 1) throw new XdomeaFormatError(['expected exactly one root element']);
  return roots[0];
}

export class XdomeaFormatError extends Error {
  constructor(readonly errors: string[]) {
    super(errors.join('; '));
  }
}

/** The prefix bound to the xdomea namespace on the root (xdomea requires `xdomea`). */
function checkNamespace(root: XmlElement, errors: string[]): string | null {
  const ns = Object.entries(root.attrs).find(([k, v]) => k.startsWith('xmlns:') && v === XDOMEA_NS);
  if (!ns) {
    errors.push(`root element must declare the namespace ${XDOMEA_NS}`);
    return null;
  }
  return ns[0].slice('xmlns:'.length);
}

function localName(e: XmlElement, prefix: string, qualified: boolean): string | null {
  if (!qualified) return e.name.includes(':') ? null : e.name;
  return e.name.startsWith(`${prefix}:`) ? e.name.slice(prefix.length + 1) : null;
}

function check(e: XmlElement, spec: Spec, path: string, prefix: string, errors: string[]): void {
  if (errors.length > 50) return;
  if ('any' in spec) return;
  if ('text' in spec) {
    if (e.children.length) errors.push(`${path}: expected text, found element ${e.children[0].name}`);
    else if (!spec.text.test(e.text.trim())) errors.push(`${path}: "${e.text.slice(0, 80)}" is not ${spec.what}`);
    return;
  }
  if (e.text.trim()) errors.push(`${path}: unexpected text "${e.text.trim().slice(0, 40)}"`);
  if ('choice' in spec) {
    if (e.children.length !== 1) {
      errors.push(`${path}: expected exactly one of ${spec.choice.map((c) => c[0]).join(' | ')}`);
      return;
    }
    const child = e.children[0];
    const match = spec.choice.find(([name, , , , q]) => localName(child, prefix, q !== false) === name);
    if (!match) errors.push(`${path}: unexpected element ${child.name}, expected one of ${spec.choice.map((c) => c[0]).join(' | ')}`);
    else check(child, match[3], `${path}/${match[0]}`, prefix, errors);
    return;
  }
  let i = 0;
  for (const [name, min, max, content, qualified] of spec.seq) {
    let n = 0;
    while (i < e.children.length && n < max && localName(e.children[i], prefix, qualified !== false) === name) {
      check(e.children[i], content, `${path}/${name}${max > 1 ? `[${n + 1}]` : ''}`, prefix, errors);
      i++;
      n++;
    }
    if (n < min) errors.push(`${path}: missing element ${name}${i < e.children.length ? ` before ${e.children[i].name}` : ''}`);
  }
  if (i < e.children.length) errors.push(`${path}: unexpected element ${e.children[i].name}`);
}

/** Structural errors of a message of the given type (empty = valid in the covered subset). */
export function structuralErrors(xml: string | XmlElement, type: MessageType): string[] {
  const errors: string[] = [];
  let root: XmlElement;
  try {
    root = typeof xml === 'string' ? parseXml(xml) : xml;
  } catch (e) {
    return e instanceof XdomeaFormatError ? e.errors : [(e as Error).message];
  }
  const prefix = checkNamespace(root, errors);
  if (!prefix) return errors;
  const expected = MESSAGE_NAMES[type];
  if (localName(root, prefix, true) !== expected) return [`root element must be ${prefix}:${expected}, found ${root.name}`];
  check(root, MESSAGES[type], `/${expected}`, prefix, errors);
  return errors;
}

/** Children of `e` with the given local name (any prefix). */
export function childrenNamed(e: XmlElement, name: string): XmlElement[] {
  return e.children.filter((c) => c.name === name || c.name.endsWith(`:${name}`));
}

export function childText(e: XmlElement, ...path: string[]): string | null {
  let cur: XmlElement | undefined = e;
  for (const p of path) cur = cur ? childrenNamed(cur, p)[0] : undefined;
  return cur ? cur.text.trim() : null;
}
