import { useTranslation } from 'react-i18next';
import { LANGUAGES } from '../i18n/index.ts';

/** The user's language; i18next remembers it in localStorage. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const current = LANGUAGES.find((l) => i18n.language.startsWith(l.code))?.code ?? 'kk';
  return (
    <label className="lang">
      <span className="sr-only">{t('nav.language')}</span>
      <select
        value={current}
        onChange={(e) => {
          void i18n.changeLanguage(e.target.value);
          document.documentElement.lang = e.target.value;
        }}
      >
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.label}
          </option>
        ))}
      </select>
    </label>
  );
}
