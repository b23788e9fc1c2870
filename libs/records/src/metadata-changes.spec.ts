import { metadataChanges } from './metadata-changes';

describe('metadataChanges', () => {
  const current = { title: 'Antrag', documentType: null as string | null, status: 'open' };

  it('lists the fields whose value changes, with old and new value', () => {
    expect(metadataChanges(current, { title: 'Antrag 2026', documentType: 'antrag' }, ['title', 'documentType', 'status'])).toEqual([
      { field: 'title', old: 'Antrag', new: 'Antrag 2026' },
      { field: 'documentType', old: null, new: 'antrag' },
    ]);
  });

  it('ignores fields left out and values that stay the same', () => {
    expect(metadataChanges(current, { title: 'Antrag', status: undefined }, ['title', 'documentType', 'status'])).toEqual([]);
  });

  it('records a value cleared as null', () => {
    expect(metadataChanges({ documentType: 'antrag' as string | null }, { documentType: null }, ['documentType'])).toEqual([{ field: 'documentType', old: 'antrag', new: null }]);
  });
});
