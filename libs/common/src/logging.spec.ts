import { loggableUrl } from './logging';

describe('loggableUrl', () => {
  it('keeps the path and parameter names, masks search text and other values, keeps plain numbers', () => {
    expect(loggableUrl('/api/v1/search?q=M%C3%BCller%20Gastst%C3%A4tte&limit=20&cursor=eyJ4IjoxfQ')).toBe('/api/v1/search?q=_&limit=20&cursor=_');
    expect(loggableUrl('/api/v1/case-files?reference=32.1.2-2026%2F00017')).toBe('/api/v1/case-files?reference=_');
    expect(loggableUrl('/api/v1/documents/1b7e/content')).toBe('/api/v1/documents/1b7e/content');
    expect(loggableUrl('/x?flag&a=')).toBe('/x?flag&a=_');
  });
});
