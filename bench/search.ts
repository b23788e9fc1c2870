/**
 * `npm run bench:search [-- --n 100000 --rounds 10 --keep]`
 *
 * Seeds a scratch database with N German letters (default 1,000,000) across the eight demo
 * departments (Zipf-distributed administrative vocabulary, names, addresses, Aktenzeichen quoted
 * in the text), then measures 20 typical searches of a caseworker of department 32 through the
 * real SearchService (the same code path as GET /api/v1/search, audit event included) and prints
 * p50/p95/p99. The scratch database is dropped at the end unless --keep is given.
 */
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { APP_CONFIG, AppConfig, loadConfig, redactUrl } from '@app/config';
import { DatabaseModule, dropDatabase, ensureDatabase, runMigrations } from '@app/database';
import { RequestContext, Role } from '@app/common';
import { DEMO_DEPARTMENTS, DEMO_FILE_PLAN } from '@app/records';
import { SearchModule, SearchService } from '@app/search';

// ---- deterministic random numbers --------------------------------------------------------------
let rngState = 0x2f6e2b1;
function rand(): number {
  // mulberry32
  rngState = (rngState + 0x6d2b79f5) | 0;
  let t = rngState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(a: readonly T[]): T => a[int(a.length)];
/** Zipf-like (P(rank r) ∝ 1/r): the first entries are frequent, the tail rare. */
const zipf = <T>(a: readonly T[]): T => a[Math.min(a.length - 1, Math.floor(Math.pow(a.length + 1, rand())) - 1)];
function weighted<T>(entries: [T, number][]): () => T {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  return () => {
    let r = rand() * total;
    for (const [v, w] of entries) if ((r -= w) < 0) return v;
    return entries[entries.length - 1][0];
  };
}

// ---- vocabulary ----------------------------------------------------------------------------------
const DEPARTMENT_SHARE: [string, number][] = [
  ['20', 8], ['32', 20], ['33', 15], ['50', 15], ['51', 12], ['53', 8], ['61', 14], ['66', 8],
];
const TOPICS: Record<string, string[]> = {
  '20': ['Gewerbesteuer', 'Grundsteuer', 'Hundesteuer', 'Vorauszahlung', 'Erstattung', 'Lastschrift', 'Stundung', 'Ratenzahlung', 'Säumniszuschlag', 'Zahlungserinnerung', 'Steuerbescheid', 'Vollstreckung'],
  '32': ['Gaststättenerlaubnis', 'Sperrzeitverkürzung', 'Bußgeldbescheid', 'Ordnungswidrigkeit', 'Parkverstoß', 'Lärmbelästigung', 'Sondernutzung', 'Außengastronomie', 'Gewerbeanmeldung', 'Anhörung', 'Geschwindigkeitsüberschreitung', 'Marktstand', 'Straßenfest', 'Schankerlaubnis'],
  '33': ['Meldebescheinigung', 'Personalausweis', 'Reisepass', 'Ummeldung', 'Wohnungsgeberbestätigung', 'Führungszeugnis', 'Melderegisterauskunft', 'Beglaubigung', 'Abmeldung', 'Auskunftssperre'],
  '50': ['Grundsicherung', 'Lebensunterhalt', 'Mietkosten', 'Heizkosten', 'Einkommensnachweis', 'Bedarfsgemeinschaft', 'Wohngeld', 'Kontoauszüge', 'Leistungsbescheid', 'Mehrbedarf', 'Pflegegeld'],
  '51': ['Kindertagesstätte', 'Kitaplatz', 'Elternbeitrag', 'Betreuungsvertrag', 'Unterhaltsvorschuss', 'Jugendhilfe', 'Beistandschaft', 'Ferienbetreuung', 'Tagespflege', 'Geschwisterermäßigung'],
  '53': ['Infektionsschutz', 'Meldepflicht', 'Belehrung', 'Gesundheitszeugnis', 'Trinkwasser', 'Impfnachweis', 'Schuleingangsuntersuchung', 'Hygieneplan', 'Legionellen', 'Masernschutz'],
  '61': ['Baugenehmigung', 'Bauantrag', 'Bauvoranfrage', 'Nutzungsänderung', 'Bebauungsplan', 'Abstandsfläche', 'Baulast', 'Standsicherheit', 'Stellplatznachweis', 'Brandschutz', 'Dachgaube', 'Carport'],
  '66': ['Aufbrucherlaubnis', 'Straßenbau', 'Gehweg', 'Schlagloch', 'Straßenbeleuchtung', 'Baustelleneinrichtung', 'Verkehrssicherung', 'Kanalanschluss', 'Winterdienst', 'Grundstückszufahrt'],
};
/** Common words of administrative letters, most frequent first (Zipf head). */
const COMMON = (
  'Antrag Unterlagen Frist Schreiben Bescheid Angelegenheit Nachweis Zahlung Betrag Euro Termin Rückfrage Kopie Anlage Stadt Verwaltung ' +
  'Sachbearbeitung Auskunft Entscheidung Prüfung Bearbeitung Mitteilung Erklärung Verfahren Genehmigung Widerspruch Gebühren Rechnung ' +
  'Grundstück Wohnung Vertrag Nachricht Eingang Stellungnahme Verlängerung Unterschrift Formular Vollmacht Beschwerde Mahnung Kündigung ' +
  'Anfrage Bescheinigung Kosten Zeitraum Datum Adresse Telefon Erreichbarkeit Rückzahlung Nachzahlung Fristverlängerung Akteneinsicht ' +
  'Ablehnung Bewilligung Änderung Ergänzung Nachreichung Belege Quittung Überweisung Bankverbindung Gutachten Fotos Lageplan Skizze ' +
  'Nachbarn Eigentümer Mieter Vermieter Arbeitgeber Rechtsanwalt Steuerberater Betreuer Eltern Kinder Familie Haushalt Einkommen Rente ' +
  'Versicherung Krankenkasse Finanzamt Landratsamt Bürgeramt Rathaus Sprechzeiten Öffnungszeiten Aktenzeichen Bezug Einspruch Anhörung ' +
  'Zustellung Postanschrift Vorgang Sachverhalt Begründung Rechtsbehelfsbelehrung Satzung Verordnung Gesetz Paragraph Vorschrift ' +
  'Ausnahme Befreiung Auflage Bedingung Widerruf Rücknahme Säumnis Verzug Zinsen Vollstreckungsankündigung Ratenplan Härtefall'
).split(' ');
const TAIL_PREFIXES = ['Bau', 'Miet', 'Straßen', 'Gewerbe', 'Kinder', 'Verkehrs', 'Grund', 'Lärm', 'Wasser', 'Abfall', 'Park', 'Hunde', 'Schul', 'Sport', 'Kultur', 'Umwelt', 'Feuer', 'Markt', 'Friedhofs', 'Garten', 'Wohn', 'Sozial', 'Pflege', 'Energie', 'Fahrrad', 'Spiel', 'Denkmal', 'Baum', 'Gebäude', 'Nachbarschafts'];
const TAIL_SUFFIXES = ['antrag', 'genehmigung', 'bescheid', 'gebühr', 'kosten', 'satzung', 'pflicht', 'schutz', 'ordnung', 'vertrag', 'nachweis', 'prüfung', 'fläche', 'anlage', 'meldung', 'beitrag', 'zuschuss', 'verfahren', 'planung', 'auflage', 'erlaubnis', 'kontrolle', 'beratung', 'förderung', 'abrechnung'];
/** A long tail of compound nouns (rarer the further down). */
const TAIL = TAIL_PREFIXES.flatMap((p) => TAIL_SUFFIXES.map((s) => p + s));
const VERBS = ['bitten', 'beantragen', 'übersenden', 'teilen mit', 'widersprechen', 'reichen nach', 'bestätigen', 'fragen an', 'erheben Einspruch gegen', 'legen vor', 'verweisen auf', 'erinnern an'];
const FILLERS = ['hiermit', 'bitte', 'leider', 'nochmals', 'fristgerecht', 'umgehend', 'gemäß', 'bezüglich', 'aufgrund', 'wie besprochen', 'zusätzlich', 'außerdem'];
const FIRST = ['Anna', 'Peter', 'Maria', 'Thomas', 'Sabine', 'Michael', 'Monika', 'Andreas', 'Petra', 'Stefan', 'Claudia', 'Jürgen', 'Ursula', 'Klaus', 'Birgit', 'Frank', 'Katrin', 'Markus', 'Heike', 'Jörg', 'Sandra', 'Uwe', 'Nicole', 'Ralf', 'Julia', 'Lukas', 'Lea', 'Jonas', 'Emma', 'Ömer', 'Ayşe', 'Mehmet', 'Olga', 'Piotr'];
const SURNAMES = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Schäfer', 'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Hofmann', 'Hartmann', 'Lange', 'Schmitt', 'Werner', 'Schmitz', 'Krause', 'Meier', 'Lehmann', 'Schmid', 'Schulze', 'Maier', 'Köhler', 'Herrmann', 'König', 'Walter', 'Mayer', 'Huber', 'Kaiser', 'Fuchs', 'Peters', 'Lang', 'Scholz', 'Möller', 'Weiß', 'Jung', 'Hahn', 'Schubert', 'Vogel', 'Friedrich', 'Keller', 'Günther', 'Frank', 'Berger', 'Winkler', 'Roth', 'Beck', 'Lorenz', 'Baumann', 'Franke', 'Albrecht', 'Schuster', 'Simon', 'Ludwig', 'Böhm', 'Winter', 'Kraus', 'Martin', 'Schumacher', 'Krämer', 'Vogt', 'Stein', 'Jäger', 'Otto', 'Sommer', 'Groß', 'Seidel', 'Heinrich', 'Brandt', 'Haas', 'Schreiber', 'Graf', 'Dietrich', 'Yılmaz', 'Kaya', 'Nowak', 'Kowalski'];
const SYLLABLES = ['wen', 'de', 'born', 'quast', 'hoff', 'zur', 'lin', 'den', 'brock', 'mei', 'er', 'ha', 'gen', 'tro', 'bel', 'kamp', 'stet', 'ten', 'rau', 'pach', 'lö', 'wen', 'grü', 'ne', 'wald', 'ick', 'sie', 'vers'];
const STREETS = ['Hauptstraße', 'Bahnhofstraße', 'Schulstraße', 'Gartenstraße', 'Dorfstraße', 'Bergstraße', 'Lindenstraße', 'Kirchweg', 'Am Markt', 'Rosenweg', 'Goethestraße', 'Schillerplatz', 'Mühlenweg', 'Friedhofstraße', 'Ringstraße'];
const TYPES = weighted<[string, string]>([
  [['antrag', 'Antrag'], 25], [['anfrage', 'Anfrage'], 15], [['nachweis', 'Nachweis'], 10], [['widerspruch', 'Widerspruch'], 8], [['rechnung', 'Rechnung'], 8],
  [['beschwerde', 'Beschwerde'], 7], [['mahnung', 'Mahnung'], 5], [['anzeige', 'Anzeige'], 5], [['bescheid', 'Bescheid'], 5], [['vollmacht', 'Vollmacht'], 4],
  [['kuendigung', 'Kündigung'], 3], [['sonstiges', 'Schreiben'], 5],
]);
/** Names that occur only in a handful of letters (the "rare name" queries). */
const RARE_NAMES = ['Quastenberg', 'Wendeborn-Pichler', 'Trollmann', 'Zabłocki'];

const rareSurname = () => {
  const n = 2 + int(2);
  let s = '';
  for (let i = 0; i < n; i++) s += pick(SYLLABLES);
  return s[0].toUpperCase() + s.slice(1);
};
const person = () => `${zipf(FIRST)} ${rand() < 0.05 ? rareSurname() : zipf(SURNAMES)}`;
const word = (dept: string) => {
  const r = rand();
  if (r < 0.55) return zipf(COMMON);
  if (r < 0.8) return zipf(TOPICS[dept]);
  return zipf(TAIL);
};
function sentence(dept: string): string {
  const words = [pick(FILLERS), 'wir', pick(VERBS), 'die', word(dept), 'und', word(dept)];
  const extra = 3 + int(9);
  for (let i = 0; i < extra; i++) words.push(rand() < 0.3 ? pick(['der', 'die', 'das', 'für', 'mit', 'zum', 'vom', 'im', 'auf', 'nach']) : word(dept));
  const s = words.join(' ');
  return s[0].toUpperCase() + s.slice(1) + '.';
}
const pad = (n: number, w: number) => String(n).padStart(w, '0');
const dateDe = (d: Date) => `${pad(d.getUTCDate(), 2)}.${pad(d.getUTCMonth() + 1, 2)}.${d.getUTCFullYear()}`;

interface CaseFileRow {
  id: string;
  reference: string;
  departmentCode: string;
}

function letter(dept: string, reference: string | null, createdAt: Date, rareName: string | null): { title: string; type: string; text: string } {
  const [type, label] = TYPES();
  const sender = rareName ? `${pick(FIRST)} ${rareName}` : person();
  const topic = zipf(TOPICS[dept]);
  const lines = [
    sender,
    `${pick(STREETS)} ${1 + int(120)}`,
    `${pad(10000 + int(89999), 5)} Musterstadt`,
    '',
    'Stadtverwaltung Musterstadt',
    DEMO_DEPARTMENTS.find((d) => d.code === dept)!.name,
    '',
    `Musterstadt, den ${dateDe(createdAt)}`,
    '',
    `Betreff: ${label} ${topic}`,
  ];
  if (reference && rand() < 0.7) lines.push(`${pick(['Ihr Zeichen', 'Aktenzeichen', 'Az.', 'Geschäftszeichen'])}: ${reference}`);
  lines.push('', 'Sehr geehrte Damen und Herren,', '');
  const sentences = 8 + int(14);
  for (let i = 0; i < sentences; i++) lines.push(sentence(dept));
  lines.push('', 'Mit freundlichen Grüßen', sender);
  return { title: `${label} ${topic} – ${sender.split(' ').slice(1).join(' ')}`, type, text: lines.join('\n') };
}

// ---- seeding -------------------------------------------------------------------------------------
async function seed(url: string, n: number): Promise<{ caseFiles: CaseFileRow[]; seconds: number }> {
  const started = Date.now();
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`INSERT INTO departments (code, name) SELECT * FROM unnest($1::text[], $2::text[])`, [DEMO_DEPARTMENTS.map((d) => d.code), DEMO_DEPARTMENTS.map((d) => d.name)]);
    for (const u of DEMO_FILE_PLAN) {
      await admin.query(
        `INSERT INTO file_plan_units (code, title, parent_code, department_code, retention_years, retention_trigger, disposal) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [u.code, u.title, u.parentCode ?? null, u.departmentCode, u.years, u.trigger, u.disposal],
      );
    }
    // case files: about one per 20 letters, at the leaf units of each department's file plan
    const leaves = DEMO_FILE_PLAN.filter((u) => !DEMO_FILE_PLAN.some((c) => c.parentCode === u.code));
    const deptOf = weighted(DEPARTMENT_SHARE);
    const counters = new Map<string, number>();
    const caseFiles: CaseFileRow[] = [];
    const cfRows: { id: string; reference: string; title: string; plan: string; dept: string; opened: Date }[] = [];
    for (let i = 0; i < Math.max(40, Math.ceil(n / 20)); i++) {
      const dept = deptOf();
      const plan = pick(leaves.filter((l) => l.departmentCode === dept)).code;
      const year = 2019 + int(8);
      const key = `${plan}-${year}`;
      const seq = (counters.get(key) ?? 0) + 1;
      counters.set(key, seq);
      const reference = `${plan}-${year}/${pad(seq, 5)}`;
      const row = { id: randomUUID(), reference, title: `${zipf(TOPICS[dept])} ${zipf(SURNAMES)}`, plan, dept, opened: new Date(Date.UTC(year, int(12), 1 + int(28))) };
      cfRows.push(row);
      caseFiles.push({ id: row.id, reference, departmentCode: dept });
    }
    for (let i = 0; i < cfRows.length; i += 5000) {
      const b = cfRows.slice(i, i + 5000);
      await admin.query(
        `INSERT INTO case_files (id, reference, title, file_plan_code, department_code, opened_at, created_by)
         SELECT id, ref, title, plan, dept, opened, 'bench' FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) AS t(id, ref, title, plan, dept, opened)`,
        [b.map((r) => r.id), b.map((r) => r.reference), b.map((r) => r.title), b.map((r) => r.plan), b.map((r) => r.dept), b.map((r) => r.opened)],
      );
    }
    // bulk load first, index afterwards (one GIN build is far cheaper than a million inserts into it)
    await admin.query(`DROP INDEX documents_search_department`);
  } finally {
    await admin.end();
  }

  const byDept = new Map<string, CaseFileRow[]>();
  const all = await (async () => {
    const c = new Client({ connectionString: url });
    await c.connect();
    const r = await c.query(`SELECT id, reference, department_code AS "departmentCode" FROM case_files`);
    await c.end();
    return r.rows as CaseFileRow[];
  })();
  for (const cf of all) byDept.set(cf.departmentCode, [...(byDept.get(cf.departmentCode) ?? []), cf]);
  const deptOf = weighted(DEPARTMENT_SHARE);
  const from = Date.UTC(2019, 0, 1);
  const span = Date.UTC(2026, 10, 1) - from;
  const BATCH = 2000;
  let made = 0;
  const nextBatch = () => {
    if (made >= n) return null;
    const size = Math.min(BATCH, n - made);
    const cols = { case: [] as (string | null)[], dept: [] as string[], title: [] as string[], type: [] as string[], status: [] as string[], text: [] as string[], created: [] as Date[] };
    for (let i = 0; i < size; i++) {
      const k = made + i;
      // the rare names: a few letters each, about half of them in department 32
      const rare = k % 97_003 === 11 ? RARE_NAMES[(k / 97_003) % RARE_NAMES.length | 0] : null;
      const dept = rare && k % 2 ? '32' : deptOf();
      const inbox = rand() < 0.05;
      const cf = inbox || !byDept.has(dept) ? null : pick(byDept.get(dept)!);
      // letters arrive over time: creation order follows insertion order (with a day of jitter), as in production
      const createdAt = new Date(from + (k / n) * span + (rand() - 0.5) * 86_400_000);
      const l = letter(dept, cf?.reference ?? null, createdAt, rare);
      cols.case.push(cf?.id ?? null);
      cols.dept.push(dept);
      cols.title.push(l.title);
      cols.type.push(l.type);
      cols.status.push(inbox ? 'needs_review' : 'filed');
      cols.text.push(l.text);
      cols.created.push(createdAt);
    }
    made += size;
    return cols;
  };
  const worker = async () => {
    const c = new Client({ connectionString: url });
    await c.connect();
    await c.query(`SET synchronous_commit = off`);
    try {
      for (let b = nextBatch(); b; b = nextBatch()) {
        await c.query(
          `INSERT INTO documents (case_file_id, department_code, title, document_type, status, source, text_content, created_by, created_at)
           SELECT cf, dept, title, type, status, 'scan', body, 'bench', created
             FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[]) AS t(cf, dept, title, type, status, body, created)`,
          [b.case, b.dept, b.title, b.type, b.status, b.text, b.created],
        );
        if (made % 100_000 === 0) log(`  ${made.toLocaleString('en')} letters generated (${Math.round((Date.now() - started) / 1000)} s)`);
      }
    } finally {
      await c.end();
    }
  };
  await Promise.all([worker(), worker()]);
  log(`  ${n.toLocaleString('en')} letters inserted (${Math.round((Date.now() - started) / 1000)} s); building indexes`);
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`SET maintenance_work_mem = '512MB'`);
    await c.query(`CREATE INDEX documents_search_department ON documents USING gin (department_code, search_vector)`);
    await c.query(`VACUUM ANALYZE documents`);
    await c.query(`ANALYZE case_files`);
    const size = await c.query(`SELECT pg_size_pretty(pg_relation_size('documents_search_department')) AS gin, pg_size_pretty(pg_total_relation_size('documents')) AS total`);
    log(`  indexes built; GIN ${size.rows[0].gin}, documents table with indexes ${size.rows[0].total}`);
  } finally {
    await c.end();
  }
  return { caseFiles: all, seconds: (Date.now() - started) / 1000 };
}

// ---- measuring -----------------------------------------------------------------------------------
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const log = (s: string) => process.stdout.write(`${s}\n`);

@Global()
@Module({})
class BenchConfigModule {
  static with(config: AppConfig) {
    return { module: BenchConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}

async function measure(config: AppConfig, caseFiles: CaseFileRow[], rounds: number): Promise<void> {
  @Module({ imports: [BenchConfigModule.with(config), DatabaseModule, SearchModule] })
  class SearchBenchModule {}
  const app = await NestFactory.createApplicationContext(SearchBenchModule, { logger: ['error', 'warn'] });
  try {
    const search = app.get(SearchService);
    const own = caseFiles.filter((c) => c.departmentCode === '32');
    const refs = [own[3].reference, own[Math.floor(own.length / 2)].reference, own[own.length - 7].reference];
    const queries = [
      // one word (frequent to rare)
      'Antrag', 'Widerspruch', 'Musterstadt', 'Gaststättenerlaubnis', 'Bußgeldbescheide', 'Lärmbelästigung', 'Schankerlaubnis', 'Parkgebühr', 'Schmidt',
      // two words
      'Antrag Außengastronomie', 'Widerspruch Bußgeldbescheid', 'Sperrzeitverkürzung Müller', 'Parkverstoß Anhörung', 'Mahnung Säumniszuschlag',
      // references: whole, as quoted in a letter, a part
      refs[0], `Az. ${refs[1].replace('-', ' - ')}`, refs[2].split('-')[1],
      // rare names
      'Quastenberg', 'Wendeborn-Pichler', 'Trollmann Antrag',
    ];
    const ctx: RequestContext = { actor: { sub: 'bench.32', name: 'Bench Ordnungsamt', roles: [Role.Caseworker], departments: ['32'] }, requestId: 'bench', clientIp: null };
    const loadBefore = os.loadavg();
    const samples: number[] = [];
    const perQuery = new Map<string, { times: number[]; total: number; capped: boolean; top: string }>();
    for (let round = -1; round < rounds; round++) {
      for (const q of queries) {
        const t0 = process.hrtime.bigint();
        const res = await search.search({ ...ctx, requestId: `bench-${round}` }, { q });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (round < 0) continue; // warm-up round
        samples.push(ms);
        const e = perQuery.get(q) ?? { times: [], total: res.total, capped: res.totalCapped, top: res.items[0]?.title ?? '—' };
        e.times.push(ms);
        perQuery.set(q, e);
      }
    }
    log('');
    log(`query                                        matches     p50 ms   max ms   top hit`);
    for (const [q, e] of perQuery) {
      const s = [...e.times].sort((a, b) => a - b);
      log(`${q.padEnd(44).slice(0, 44)} ${(e.capped ? `>${e.total}` : String(e.total)).padStart(7)} ${percentile(s, 50).toFixed(1).padStart(10)} ${s[s.length - 1].toFixed(1).padStart(8)}   ${e.top.slice(0, 50)}`);
    }
    const all = [...samples].sort((a, b) => a - b);
    log('');
    log(`${queries.length} queries × ${rounds} rounds = ${all.length} searches (caseworker of department 32, through SearchService incl. audit event)`);
    log(`load average during the measurement: ${loadBefore.map((l) => l.toFixed(1)).join(' ')} → ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
    log(`p50 ${percentile(all, 50).toFixed(1)} ms   p95 ${percentile(all, 95).toFixed(1)} ms   p99 ${percentile(all, 99).toFixed(1)} ms   max ${all[all.length - 1].toFixed(1)} ms`);
    log(`target p95 < 100 ms: ${percentile(all, 95) < 100 ? 'met' : 'NOT met'}`);
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '1000000' },
      rounds: { type: 'string', default: '10' },
      keep: { type: 'boolean', default: false },
      reuse: { type: 'string' },
    },
  });
  const n = Number(values.n);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(n) || n < 1000 || n > 20_000_000) throw new Error('--n must be an integer between 1000 and 20000000');
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 1000) throw new Error('--rounds must be an integer between 1 and 1000');
  const base = loadConfig();
  const url = new URL(base.database.url);
  url.pathname = `/${values.reuse ?? `eakte_bench_search_${process.pid}`}`;
  const config: AppConfig = { ...base, database: { ...base.database, url: url.toString(), poolSize: 4 }, logLevel: 'warn' };
  const scratch = !values.reuse;
  try {
    let caseFiles: CaseFileRow[];
    if (!scratch) {
      log(`reusing ${redactUrl(config.database.url)}`);
      const c = new Client({ connectionString: config.database.url });
      await c.connect();
      caseFiles = (await c.query(`SELECT id, reference, department_code AS "departmentCode" FROM case_files ORDER BY reference`)).rows;
      await c.end();
    } else {
      log(`scratch database ${redactUrl(config.database.url)}; seeding ${n.toLocaleString('en')} letters`);
      await ensureDatabase(config.database.url);
      await runMigrations(config.database.url);
      const seeded = await seed(config.database.url, n);
      caseFiles = seeded.caseFiles.sort((a, b) => a.reference.localeCompare(b.reference));
      log(`seeded in ${seeded.seconds.toFixed(0)} s (${Math.round(n / seeded.seconds).toLocaleString('en')} letters/s incl. tsvector and index build)`);
    }
    await measure(config, caseFiles, rounds);
  } finally {
    if (scratch && !values.keep) {
      await dropDatabase(config.database.url);
      log('scratch database dropped');
    } else {
      log(`kept ${redactUrl(config.database.url)} (measure again with --reuse ${url.pathname.slice(1)}; drop it when done)`);
    }
  }
}

main().catch((e) => {
  console.error(`bench:search: ${e instanceof Error ? e.stack : e}`);
  process.exit(1);
});
