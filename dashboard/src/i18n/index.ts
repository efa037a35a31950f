import i18next from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import { en } from './en.ts';
import { kk } from './kk.ts';
import { ru } from './ru.ts';

export const LANGUAGES = [
  { code: 'kk', label: 'Қазақша', locale: 'kk-KZ' },
  { code: 'ru', label: 'Русский', locale: 'ru-RU' },
  { code: 'en', label: 'English', locale: 'en-GB' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];
export const STORAGE_KEY = 'kuzet.lang';

/** i18next with the user's choice remembered in localStorage (else the browser's language, else Kazakh). */
export function initI18n() {
  if (i18next.isInitialized) return i18next;
  void i18next
    .use(LanguageDetector)
    .use(initReactI18next)
    .init({
      resources: { en: { translation: en }, ru: { translation: ru }, kk: { translation: kk } },
      supportedLngs: LANGUAGES.map((l) => l.code),
      nonExplicitSupportedLngs: true,
      load: 'languageOnly',
      fallbackLng: 'kk',
      interpolation: { escapeValue: false },
      detection: {
        order: ['localStorage', 'navigator'],
        lookupLocalStorage: STORAGE_KEY,
        caches: ['localStorage'],
        // a browser in kk-KZ is 'kk' (every view compares i18n.language with the bare code: regions' names were
        // shown in English to a Kazakh browser)
        convertDetectedLanguage: (lng: string) => lng.split('-')[0]!,
      },
      initAsync: false,
    });
  return i18next;
}

export function localeOf(lang: string): string {
  return LANGUAGES.find((l) => lang.startsWith(l.code))?.locale ?? 'kk-KZ';
}
