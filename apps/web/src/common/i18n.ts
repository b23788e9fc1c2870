import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { commonMessages } from './messages';

/**
 * Every visible word comes from a catalogue: German first, English second. Each screen folder
 * registers its own namespace (`registerMessages`) from its `messages.ts`, so screens stay
 * independent; `common` holds the layout's and shared words.
 */
export const LOCALES = ['de', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
const STORAGE_KEY = 'eakte.locale';

function initialLocale(): Locale {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (stored === 'de' || stored === 'en') return stored;
  } catch {
    /* storage unavailable: German */
  }
  return 'de';
}

export type Messages = { [key: string]: string | Messages };
export interface Catalogue {
  de: Messages;
  en: Messages;
}

void i18n.use(initReactI18next).init({
  lng: initialLocale(),
  fallbackLng: 'de',
  supportedLngs: [...LOCALES],
  defaultNS: 'common',
  ns: ['common'],
  resources: { de: { common: commonMessages.de }, en: { common: commonMessages.en } },
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});
document.documentElement.lang = i18n.language;

/** Adds a screen's catalogue as namespace `ns` (call at module load of the screen). */
export function registerMessages(ns: string, catalogue: Catalogue): void {
  for (const locale of LOCALES) i18n.addResourceBundle(locale, ns, catalogue[locale], true, true);
}

export function setLocale(locale: Locale): void {
  void i18n.changeLanguage(locale);
  document.documentElement.lang = locale;
  try {
    window.localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    /* not remembered */
  }
}

export { i18n };
