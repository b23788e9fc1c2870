import type { DisposalAction, RetentionTrigger } from '../file-plan/file-plan-unit.entity';

/** Example departments (KGSt codes) and a small file plan, seeded into an empty database. */
export const DEMO_DEPARTMENTS: { code: string; name: string }[] = [
  { code: '20', name: 'Stadtkämmerei' },
  { code: '32', name: 'Ordnungsamt' },
  { code: '33', name: 'Bürgerdienste' },
  { code: '50', name: 'Sozialamt' },
  { code: '51', name: 'Jugendamt' },
  { code: '53', name: 'Gesundheitsamt' },
  { code: '61', name: 'Stadtplanungs- und Bauordnungsamt' },
  { code: '66', name: 'Tiefbauamt' },
];

type Unit = { code: string; title: string; parentCode?: string; departmentCode: string; years: number | null; trigger: RetentionTrigger; disposal: DisposalAction };

const u = (code: string, title: string, departmentCode: string, years: number | null, disposal: DisposalAction, parentCode?: string, trigger: RetentionTrigger = 'closed'): Unit => ({
  code,
  title,
  departmentCode,
  years,
  disposal,
  parentCode,
  trigger,
});

export const DEMO_FILE_PLAN: Unit[] = [
  u('20', 'Finanzverwaltung', '20', 10, 'review'),
  u('20.1', 'Haushalt und Kasse', '20', 10, 'destroy', '20'),
  u('20.1.1', 'Rechnungen und Zahlungen', '20', 10, 'destroy', '20.1'),
  u('32', 'Öffentliche Sicherheit und Ordnung', '32', 10, 'review'),
  u('32.1', 'Gewerbe', '32', 10, 'review', '32'),
  u('32.1.2', 'Gaststätten', '32', 10, 'archive', '32.1'),
  u('32.2', 'Verkehrsordnungswidrigkeiten', '32', 5, 'destroy', '32'),
  u('32.2.1', 'Bußgeldverfahren', '32', 5, 'destroy', '32.2'),
  u('33', 'Bürgerdienste', '33', 5, 'destroy'),
  u('33.1', 'Meldewesen', '33', 5, 'destroy', '33'),
  u('33.1.1', 'Meldeangelegenheiten', '33', 5, 'destroy', '33.1'),
  u('50', 'Soziale Leistungen', '50', 10, 'review'),
  u('50.1', 'Sozialhilfe', '50', 10, 'review', '50'),
  u('50.1.1', 'Hilfe zum Lebensunterhalt', '50', 10, 'review', '50.1'),
  u('51', 'Kinder- und Jugendhilfe', '51', 10, 'review'),
  u('51.2', 'Kindertagesbetreuung', '51', 6, 'destroy', '51'),
  u('51.2.1', 'Elternbeiträge', '51', 6, 'destroy', '51.2'),
  u('53', 'Gesundheitsschutz', '53', 10, 'review'),
  u('53.1', 'Infektionsschutz', '53', 10, 'review', '53'),
  u('53.1.1', 'Meldungen nach dem Infektionsschutzgesetz', '53', 10, 'review', '53.1'),
  u('61', 'Bauordnung und Stadtplanung', '61', 30, 'archive'),
  u('61.3', 'Bauaufsicht', '61', 30, 'archive', '61'),
  u('61.3.1', 'Baugenehmigungen', '61', null, 'archive', '61.3'),
  u('66', 'Tiefbau', '66', 5, 'destroy'),
  u('66.1', 'Straßenbau', '66', 5, 'destroy', '66'),
  u('66.1.1', 'Aufbrucherlaubnisse', '66', 5, 'destroy', '66.1'),
];
