import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { validateXML, XMLFileInfo } from 'xmllint-wasm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DomainError, ErrorCode } from '@app/common';
import { DisposalCode, MessageType } from './xdomea-messages';
import { XmlElement, XdomeaFormatError, childText, childrenNamed, parseXml, structuralErrors } from './xdomea-structure';

export interface SchemaCheck {
  /** Whether the official XSD was available and used (libxml2 in-process, xmllint-wasm). */
  xsd: boolean;
  errors: string[];
}

/** The schema files of a directory as xmllint-wasm takes them: loaded once per directory. */
const schemaSets = new Map<string, { schema: XMLFileInfo; preload: XMLFileInfo[] } | null>();

/**
 * xdomea.xsd and every schema it includes or imports, followed through `schemaLocation` (the
 * xdomea XSDs import ../xoev/xoev-code.xsd). Each is held under its base name, the references
 * rewritten to match, because xmllint-wasm's in-memory file system is flat. Null when absent.
 */
function loadSchemaSet(schemaDir: string): { schema: XMLFileInfo; preload: XMLFileInfo[] } | null {
  if (schemaSets.has(schemaDir)) return schemaSets.get(schemaDir)!;
  const entry = path.join(schemaDir, 'xdomea.xsd');
  let set: { schema: XMLFileInfo; preload: XMLFileInfo[] } | null = null;
  if (existsSync(entry)) {
    const files = new Map<string, string>();
    const queue = [entry];
    while (queue.length) {
      const file = queue.shift()!;
      const name = path.basename(file);
      if (files.has(name)) continue;
      const text = readFileSync(file, 'utf8').replace(/schemaLocation="([^"]+)"/g, (_m, loc: string) => {
        queue.push(path.resolve(path.dirname(file), loc));
        return `schemaLocation="${path.basename(loc)}"`;
      });
      files.set(name, text);
    }
    const all = [...files].map(([fileName, contents]) => ({ fileName, contents }));
    set = { schema: all[0], preload: all.slice(1) };
  }
  schemaSets.set(schemaDir, set);
  return set;
}

/**
 * Validates against `<dir>/xdomea.xsd` in-process (libxml2 compiled to WebAssembly: no xmllint
 * binary needed); null when the schemas are absent.
 */
export async function xmllintErrors(xml: string, schemaDir: string, timeoutMs = 30_000): Promise<string[] | null> {
  const set = loadSchemaSet(schemaDir);
  if (!set) return null;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string[]>((resolve) => {
    timer = setTimeout(() => resolve([`schema validation did not finish within ${timeoutMs / 1000} s`]), timeoutMs);
  });
  const run = validateXML({ xml: [{ fileName: 'message.xml', contents: xml }], schema: set.schema, preload: set.preload, maxMemoryPages: 4096 }).then(
    (r) => (r.valid ? [] : r.errors.slice(0, 50).map((e) => (e.loc ? `line ${e.loc.lineNumber}: ${e.message}` : e.message))),
    (e: Error) => [String(e.message ?? e).split('\n').find((l) => l.trim()) ?? 'the message could not be validated'],
  );
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Appraisal0502 {
  processId: string;
  decisions: { id: string; code: DisposalCode }[];
}

export interface Confirmation0506 {
  processId: string;
  results: { id: string; ok: boolean; archiveId: string | null; errors: string[] }[];
}

/**
 * Validates xdomea messages: always with the in-repo structural check, and with libxml2 against
 * the official XSDs when they are available (RETENTION: XDOMEA_SCHEMA_DIR, default ../shared).
 */
@Injectable()
export class XdomeaValidator {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async validate(xml: string, type: MessageType): Promise<SchemaCheck> {
    const errors = structuralErrors(xml, type);
    const xsdErrors = errors.length && /well-formed|DOCTYPE/.test(errors[0]) ? null : await xmllintErrors(xml, this.config.retention.xdomeaSchemaDir);
    return { xsd: xsdErrors !== null, errors: [...(xsdErrors ?? []), ...errors.map((e) => `structure: ${e}`)] };
  }

  /** Parses and validates an incoming message; invalid → 422 with the errors in `details`. */
  private async incoming(xml: string, type: MessageType): Promise<XmlElement> {
    const check = await this.validate(xml, type);
    if (check.errors.length) {
      throw new DomainError(ErrorCode.UnprocessableContent, `the ${type} message does not validate against xdomea 3.1.0`, { schemaErrors: check.errors, xsd: check.xsd });
    }
    try {
      return parseXml(xml);
    } catch (e) {
      if (e instanceof XdomeaFormatError) throw new DomainError(ErrorCode.UnprocessableContent, e.message, { schemaErrors: e.errors });
      throw e;
    }
  }

  async read0502(xml: string): Promise<Appraisal0502> {
    const root = await this.incoming(xml, '0502');
    return {
      processId: childText(root, 'Kopf', 'ProzessID')!.toLowerCase(),
      decisions: childrenNamed(root, 'BewertetesObjekt').map((o) => ({
        id: childText(o, 'ID')!.toLowerCase(),
        code: (childText(o, 'Aussonderungsart', 'Aussonderungsart', 'code') ?? 'B') as DisposalCode,
      })),
    };
  }

  async read0506(xml: string): Promise<Confirmation0506> {
    const root = await this.incoming(xml, '0506');
    return {
      processId: childText(root, 'Kopf', 'ProzessID')!.toLowerCase(),
      results: childrenNamed(root, 'AusgesondertesSGO').map((o) => ({
        id: childText(o, 'IDSGO')!.toLowerCase(),
        ok: ['true', '1'].includes(childText(o, 'Erfolgreich') ?? ''),
        archiveId: childText(o, 'Archivkennung'),
        errors: childrenNamed(o, 'Fehlermeldung').map((f) => f.text.trim()),
      })),
    };
  }
}
