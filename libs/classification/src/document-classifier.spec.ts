import { seedModels } from './document-classifier.service';
import { tokenize } from './german-tokens';
import { finish, predict, train } from './naive-bayes';

describe('German tokens', () => {
  it('folds umlauts, drops stop words and digits, stems suffixes', () => {
    expect(tokenize('Hiermit lege ich Widerspruch gegen den Bescheid vom 12.03.2026 ein.')).toEqual(['hiermit', 'lege', 'widerspruch', 'bescheid']);
    expect(tokenize('Gebühren für Straßenbeleuchtung')).toEqual(['gebuehr', 'strassenbeleucht']);
  });
});

describe('naive Bayes classifier', () => {
  it('predicts the document type from the seed rules with evidence', () => {
    const { document_type } = seedModels();
    const p = predict(document_type, tokenize('Sehr geehrte Damen und Herren, gegen Ihren Bescheid lege ich hiermit fristgerecht Widerspruch ein.'))!;
    expect(p.label).toBe('widerspruch');
    expect(p.confidence).toBeGreaterThan(0.5);
    expect(p.evidence).toContain('widerspruch');
    expect(predict(document_type, tokenize('Zahlungserinnerung: der offene Betrag ist überfällig, Mahngebühr'))!.label).toBe('mahnung');
  });

  it('predicts the department from the seed rules', () => {
    const { department } = seedModels();
    expect(predict(department, tokenize('Antrag auf Baugenehmigung für das Bauvorhaben auf dem Flurstück 12'))!.label).toBe('61');
    expect(predict(department, tokenize('Wohngeld und Grundsicherung: Nachweis über mein Einkommen'))!.label).toBe('50');
  });

  it('learns from filed documents: corrections outweigh the seeds', () => {
    const models = seedModels();
    const text = 'Mitteilung über den Taubenschlag auf dem Dach des Rathauses';
    const before = predict(models.department, tokenize(text))!;
    for (let i = 0; i < 5; i++) train(models.department, '53', tokenize(text + ' Tauben Kot'));
    finish(models.department);
    const after = predict(models.department, tokenize(text))!;
    expect(after.label).toBe('53');
    expect(after.label === before.label ? after.confidence > before.confidence : true).toBe(true);
    expect(after.evidence).toEqual(expect.arrayContaining(['taubenschlag']));
  });

  it('without any known word it reports a low, uniform confidence', () => {
    const { document_type } = seedModels();
    const p = predict(document_type, tokenize('xyzzy quux'))!;
    expect(p.confidence).toBeCloseTo(1 / Object.keys(document_type.labels).length);
    expect(p.evidence).toEqual([]);
  });
});
