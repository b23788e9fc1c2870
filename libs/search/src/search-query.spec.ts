import { parseSearchQuery } from './search-query';
import { monthLexemes } from './search.repository';
import { snippetHtml } from './snippet';

describe('monthLexemes', () => {
  it('counts months back from the anchor across year ends', () => {
    expect(monthLexemes(new Date('2026-02-15T12:00:00Z'), 3)).toEqual(['@m:2026-02', '@m:2026-01', '@m:2025-12']);
  });
});

describe('parseSearchQuery', () => {
  it('takes Aktenzeichen tokens out of the free text', () => {
    expect(parseSearchQuery('Widerspruch 32.1.2-2026/00017')).toEqual({ text: 'Widerspruch', references: ['32.1.2-2026/00017'] });
    expect(parseSearchQuery('Az. 32.1.2 - 2026 / 00017,')).toEqual({ text: '', references: ['32.1.2-2026/00017'] });
    expect(parseSearchQuery('Ihr Zeichen: 2026/00017 Mahnung')).toEqual({ text: 'Mahnung', references: ['2026/00017'] });
    expect(parseSearchQuery('(2026/00017) 32.1.2')).toEqual({ text: '', references: ['2026/00017', '32.1.2'] });
  });

  it('leaves words, phrases, exclusions and plain numbers to the text parser', () => {
    expect(parseSearchQuery('"Café Müller" -Bußgeld 2026')).toEqual({ text: '"Café Müller" -Bußgeld 2026', references: [] });
    expect(parseSearchQuery('  Anträge   Gaststätte ')).toEqual({ text: 'Anträge Gaststätte', references: [] });
  });

  it('only lets letters, digits and . - / into a reference (they become tsquery lexemes)', () => {
    expect(parseSearchQuery("32.1.2-2026/00017' | !x")).toEqual({ text: '| !x', references: ['32.1.2-2026/00017'] });
    expect(parseSearchQuery("3'2.1-2026/1").references).toEqual([]);
    expect(parseSearchQuery("12-2026/7'").references).toEqual(['12-2026/7']);
  });
});

describe('snippetHtml', () => {
  it('escapes the text and turns the markers into <mark>', () => {
    expect(snippetHtml('Ihr \u0002Antrag\u0003 vom <1.2.>\n\n auf  "Erlaubnis" & mehr')).toBe(
      'Ihr <mark>Antrag</mark> vom &lt;1.2.&gt; auf &quot;Erlaubnis&quot; &amp; mehr',
    );
    expect(snippetHtml(null)).toBe('');
  });
});
