/** A tiny XML writer for xdomea messages: elements in the `xdomea` namespace, text escaped. */
export const XDOMEA_NS = 'urn:xoev-de:xdomea:schema:3.1.0';

export type XmlNode = { name: string; attrs?: Record<string, string>; children?: XmlChild[] } | { text: string; name?: undefined };
export type XmlChild = XmlNode | null | undefined | false;

/** An element in the xdomea namespace (`xdomea:Name`); `null`/`undefined` children are skipped. */
export function el(name: string, ...children: (XmlChild | string | XmlChild[])[]): XmlNode {
  return elAttrs(name, undefined, ...children);
}

export function elAttrs(name: string, attrs: Record<string, string> | undefined, ...children: (XmlChild | string | XmlChild[])[]): XmlNode {
  const flat: XmlChild[] = [];
  for (const c of children) {
    if (Array.isArray(c)) flat.push(...c);
    else if (typeof c === 'string') flat.push({ text: c });
    else flat.push(c);
  }
  return { name: `xdomea:${name}`, attrs, children: flat };
}

/** An element outside any namespace (the `code`/`name` children of XÖV code types are unqualified). */
export function plain(name: string, text: string): XmlNode {
  return { name, children: [{ text }] };
}

/** Optional text element: omitted when the value is null/undefined/empty. */
export function opt(name: string, value: string | number | null | undefined): XmlNode | null {
  if (value === null || value === undefined || value === '') return null;
  return el(name, String(value));
}

export function escapeXml(s: string): string {
  // XML 1.0 forbids most control characters even as references: drop them
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function render(node: XmlNode, indent: string, out: string[]): void {
  if (node.name === undefined) {
    out.push(escapeXml(node.text));
    return;
  }
  const attrs = Object.entries(node.attrs ?? {})
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  const children = (node.children ?? []).filter((c): c is XmlNode => !!c);
  if (!children.length) {
    out.push(`${indent}<${node.name}${attrs}/>\n`);
    return;
  }
  if (children.every((c) => c.name === undefined)) {
    out.push(`${indent}<${node.name}${attrs}>`);
    for (const c of children) render(c, '', out);
    out.push(`</${node.name}>\n`);
    return;
  }
  out.push(`${indent}<${node.name}${attrs}>\n`);
  for (const c of children) render(c, `${indent}  `, out);
  out.push(`${indent}</${node.name}>\n`);
}

/** The document: XML declaration, root with the xdomea namespace declared. */
export function renderDocument(root: XmlNode): string {
  const withNs: XmlNode = root.name === undefined ? root : { ...root, attrs: { 'xmlns:xdomea': XDOMEA_NS, ...(root.attrs ?? {}) } };
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  render(withNs, '', out);
  return out.join('');
}
