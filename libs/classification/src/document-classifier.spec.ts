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

describe('DocumentClassifier (fake model store)', () => {
  // an in-memory stand-in for ClassifierModelRepository
  class FakeModels {
    stored = new Map<string, { version: number; model: unknown; documentCount: number }>();
    constructor(public examples: Array<{ text: string; documentType: string | null; departmentCode: string | null }>) {}
    async versions() {
      return Object.fromEntries([...this.stored].map(([k, v]) => [k, v.version]));
    }
    async load() {
      return [...this.stored].map(([name, v]) => ({ name, version: v.version, trainedAt: new Date(), documentCount: v.documentCount, model: v.model }));
    }
    async save(name: string, model: unknown, documentCount: number) {
      const version = (this.stored.get(name)?.version ?? 0) + 1;
      this.stored.set(name, { version, model: JSON.parse(JSON.stringify(model)), documentCount });
      return version;
    }
    async *trainingExamples() {
      yield* this.examples;
    }
  }
  const letterhead = 'Jürgen Weiß Lindenstraße 7 12345 Musterstadt Stadt Musterstadt Rathausplatz 1 Mit freundlichen Grüßen';
  const make = (repo: FakeModels) => {
    const { DocumentClassifier } = jest.requireActual('./document-classifier.service');
    const { ControllableClock } = jest.requireActual('@app/common');
    return new DocumentClassifier(repo as never, new ControllableClock(new Date('2026-03-01T00:00:00Z')), { ingest: { retrainEvery: 5 } } as never);
  };

  it('one filed letter does not let its letterhead outvote the keywords', async () => {
    const repo = new FakeModels([{ text: `${letterhead} Gaststättenerlaubnis Schankerlaubnis Antrag`, documentType: 'antrag', departmentCode: '32' }]);
    const c = make(repo);
    const result = await c.retrain();
    expect(result).toEqual({ versions: { document_type: 1, department: 1 }, documents: 1 });
    const p = await c.predict(`${letterhead} Widerspruch gegen den Wohngeldbescheid, Grundsicherung und Einkommen`);
    expect(p.department.label).toBe('50');
    expect(p.documentType.label).toBe('widerspruch');
  });

  it('learns a department the seeds do not know once filings accumulate, and persists the versions', async () => {
    const examples = [];
    for (let i = 0; i < 12; i++) examples.push({ text: `${letterhead} Taubenplage am Dach Nummer ${i} Taubenkot Taubenabwehr`, documentType: 'beschwerde', departmentCode: '53' });
    for (let i = 0; i < 12; i++) examples.push({ text: `${letterhead} Baugenehmigung Bauvorhaben Flurstück ${i}`, documentType: 'antrag', departmentCode: '61' });
    const repo = new FakeModels(examples);
    const c = make(repo);
    await c.retrain();
    const p = await c.predict('Beschwerde über die Taubenplage und den Taubenkot');
    expect(p.department.label).toBe('53');
    expect(p.department.evidence).toEqual(expect.arrayContaining(['taubenplag']));
    // another process loads the persisted models
    const other = make(repo);
    expect((await other.predict('Taubenabwehr')).department.label).toBe('53');
    expect((await other.predict('Taubenabwehr')).modelVersion).toEqual({ document_type: 1, department: 1 });
  });
});
