import { parseSnippet } from './snippet';

describe('parseSnippet', () => {
  it('splits marked matches from text and decodes the escaped characters', () => {
    expect(parseSnippet('Antrag auf <mark>Gaststättenerlaubnis</mark> &amp; &lt;b&gt;Schank&lt;/b&gt; &quot;Café&quot; &#39;x&#39;')).toEqual([
      { text: 'Antrag auf ', mark: false },
      { text: 'Gaststättenerlaubnis', mark: true },
      { text: ' & <b>Schank</b> "Café" \'x\'', mark: false },
    ]);
  });

  it('keeps any other markup as literal text', () => {
    const parts = parseSnippet('<img src=x onerror=alert(1)> <mark>Widerspruch</mark>');
    expect(parts).toEqual([
      { text: '<img src=x onerror=alert(1)> ', mark: false },
      { text: 'Widerspruch', mark: true },
    ]);
  });

  it('handles adjacent marks, empty input and unknown entities', () => {
    expect(parseSnippet('')).toEqual([]);
    expect(parseSnippet('<mark>a</mark><mark>b</mark> &nbsp; &#x41;')).toEqual([
      { text: 'ab', mark: true },
      { text: ' &nbsp; A', mark: false },
    ]);
  });
});
