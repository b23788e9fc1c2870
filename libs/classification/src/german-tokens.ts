/**
 * Normalised German tokens for the classifier: lower case, umlauts folded (ä→ae, ß→ss), digits
 * and stop words dropped, a light suffix stemmer so that "Widerspruchs", "Widersprüche" and
 * "widersprechen" land near each other. Deliberately simple and deterministic.
 */
const STOP_WORDS = new Set(
  (
    'aber alle allem allen aller alles als also am an ander andere anderen auch auf aus bei beim bin bis bitte da damit dann ' +
    'das dass dein deine dem den der des dessen die dies diese diesem diesen dieser dieses doch dort du durch ein eine einem ' +
    'einen einer eines er es etwa euch euer fuer gegen hat hatte haben hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ' +
    'ihrer im in ins ist jede jedem jeden jeder jedes jetzt kann kein keine koennen mein meine meinem meinen meiner mich mir mit ' +
    'nach nicht noch nun nur ob oder ohne sehr sein seine sich sie sind so sollen soll sowie ueber um und uns unser unsere unter ' +
    'vom von vor war waren was weil welche wenn wer werden wie wir wird wurde zu zum zur zwischen herr herrn frau damen herren ' +
    'geehrte geehrter sehr freundlichen gruessen gruss mit the and of to for str strasse tel telefon email mail datum seite den'
  ).split(' '),
);

export function foldGerman(s: string): string {
  return s
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
}

const SUFFIXES = ['ungen', 'ung', 'heit', 'keit', 'ern', 'en', 'er', 'es', 'em', 'e', 's', 'n'];

export function stem(word: string): string {
  for (const suffix of SUFFIXES) {
    if (word.length - suffix.length >= 4 && word.endsWith(suffix)) return word.slice(0, -suffix.length);
  }
  return word;
}

export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const raw of foldGerman(text).split(/[^a-z]+/)) {
    if (raw.length < 3 || raw.length > 40 || STOP_WORDS.has(raw)) continue;
    out.push(stem(raw));
  }
  return out;
}
