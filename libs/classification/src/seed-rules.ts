/**
 * Keyword rules that seed the classifier before the organisation has filed anything of its own.
 * Each rule is trained as a pseudo-document; real filings soon outweigh them.
 */
export const DOCUMENT_TYPE_SEEDS: Record<string, string[]> = {
  antrag: ['Antrag', 'beantrage hiermit', 'beantragen', 'Antragstellung', 'Genehmigung beantragen', 'Erteilung', 'Erlaubnis', 'Zulassung', 'bitte um Bewilligung'],
  widerspruch: ['Widerspruch', 'lege ich hiermit Widerspruch ein', 'widerspreche', 'gegen den Bescheid', 'Widerspruchsfrist', 'fristgerecht', 'Aufhebung des Bescheides', 'nicht einverstanden'],
  rechnung: ['Rechnung', 'Rechnungsnummer', 'Rechnungsbetrag', 'Betrag', 'Euro', 'zahlbar', 'Umsatzsteuer', 'Leistungszeitraum', 'Bankverbindung IBAN', 'netto brutto'],
  beschwerde: ['Beschwerde', 'beschwere mich', 'Beschwerde über', 'unzumutbar', 'Ärger', 'Missstand', 'verärgert', 'Lärmbelästigung', 'Zustand nicht hinnehmbar'],
  anfrage: ['Anfrage', 'Auskunft', 'bitte um Auskunft', 'Frage', 'möchte wissen', 'Informationen', 'teilen Sie mir mit', 'Rückfrage'],
  mahnung: ['Mahnung', 'Zahlungserinnerung', 'Zahlungsverzug', 'überfällig', 'Mahngebühr', 'offener Betrag', 'letzte Mahnung', 'Säumniszuschlag'],
  vollmacht: ['Vollmacht', 'bevollmächtige', 'Bevollmächtigter', 'Vertretung', 'vertreten', 'in meinem Namen', 'Vollmachtgeber'],
  nachweis: ['Nachweis', 'Bescheinigung', 'bescheinigt', 'Bestätigung', 'Zeugnis', 'Beleg', 'reiche nach', 'Unterlagen anbei', 'Kopie anbei'],
  kuendigung: ['Kündigung', 'kündige hiermit', 'fristgerecht kündigen', 'Vertrag beenden', 'Kündigungsfrist', 'zum nächstmöglichen Zeitpunkt'],
  anzeige: ['Anzeige', 'Meldung', 'melde hiermit', 'zeige an', 'Gewerbeanmeldung', 'Mitteilung', 'Verstoß melden', 'Hinweis auf'],
};

/** Department codes of the demo administration (KGSt) and the words their mail typically carries. */
export const DEPARTMENT_SEEDS: Record<string, string[]> = {
  '20': ['Stadtkämmerei', 'Steuer', 'Grundsteuer', 'Gewerbesteuer', 'Hundesteuer', 'Zahlung', 'Kasse', 'Rechnung', 'Mahnung', 'Haushalt', 'Abgaben', 'Vollstreckung'],
  '32': ['Ordnungsamt', 'Gaststätte', 'Gaststättenerlaubnis', 'Gewerbe', 'Gewerbeanmeldung', 'Bußgeld', 'Ordnungswidrigkeit', 'Lärm', 'Parken', 'Sondernutzung', 'Veranstaltung', 'Schankerlaubnis', 'Verwarnung'],
  '33': ['Bürgerdienste', 'Meldebescheinigung', 'Ummeldung', 'Anmeldung Wohnsitz', 'Personalausweis', 'Reisepass', 'Melderegister', 'Führungszeugnis', 'Wohnsitz', 'Fundsache'],
  '50': ['Sozialamt', 'Sozialhilfe', 'Grundsicherung', 'Wohngeld', 'Hilfe zum Lebensunterhalt', 'Leistungen', 'Bedarfsgemeinschaft', 'Einkommen', 'Pflege', 'Bildung und Teilhabe'],
  '51': ['Jugendamt', 'Kindertagesstätte', 'Kita', 'Kinderbetreuung', 'Unterhaltsvorschuss', 'Jugendhilfe', 'Elterngeld', 'Sorgerecht', 'Beistandschaft', 'Tagespflege'],
  '53': ['Gesundheitsamt', 'Impfung', 'Hygiene', 'Infektionsschutz', 'Trinkwasser', 'Belehrung', 'amtsärztlich', 'Gesundheitszeugnis', 'Schimmel', 'meldepflichtig'],
  '61': ['Bauordnungsamt', 'Bauantrag', 'Baugenehmigung', 'Bebauungsplan', 'Bauvorhaben', 'Grundstück', 'Flurstück', 'Bauvoranfrage', 'Abstandsfläche', 'Stadtplanung', 'Nutzungsänderung'],
  '66': ['Tiefbauamt', 'Straße', 'Gehweg', 'Schlagloch', 'Kanal', 'Straßenbeleuchtung', 'Aufbruch', 'Radweg', 'Baustelle', 'Straßensperrung', 'Winterdienst'],
};

/** Pseudo-count of each seed rule; a real filed document counts 1. */
export const SEED_WEIGHT = 2;
