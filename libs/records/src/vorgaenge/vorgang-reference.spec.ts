import { formatVorgangReference } from './vorgang-reference';

describe('formatVorgangReference', () => {
  it('puts the running number after the Aktenzeichen', () => {
    expect(formatVorgangReference('{reference}/{n}', '32.1.2-2026/00017', 3)).toBe('32.1.2-2026/00017/3');
  });
  it('pads the number to the given width', () => {
    expect(formatVorgangReference('{reference}-V{n:3}', '32.1.2-2026/00017', 7)).toBe('32.1.2-2026/00017-V007');
  });
  it('does not read $ patterns in the Aktenzeichen', () => {
    expect(formatVorgangReference('{reference}/{n}', 'A$&B', 1)).toBe('A$&B/1');
  });
});
