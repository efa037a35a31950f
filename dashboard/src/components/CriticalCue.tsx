import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAlertUpdates } from '../hooks/live.tsx';
import { alertPlaceText } from '../lib/alerts';
import { beep, setSound as setSoundNow, soundOn as soundOnNow } from '../lib/sound.ts';

/**
 * The cue for a new critical alert: a flashing banner with its text that stays until dismissed, and the tone when
 * the operator switched sound on (alerts page). Alerts during maintenance never cue.
 */
export function CriticalCue() {
  const { t, i18n } = useTranslation();
  const [cue, setCue] = useState<{ id: string; text: string }>();
  const seen = useRef(new Set<string>());
  useAlertUpdates((alerts) => {
    for (const a of alerts) {
      if (a.severity !== 'critical' || a.suppressed || a.state !== 'open' || a.events.length > 1) continue;
      if (seen.current.has(a.id)) continue;
      seen.current.add(a.id);
      setCue({
        id: a.id,
        text: `${t(`alerts.rule.${a.rule}`)} — ${alertPlaceText(a, i18n.language)}`,
      });
      beep();
    }
  });
  if (!cue) return null;
  return (
    <div className="banner banner-critical" role="alert" data-testid="critical-cue">
      <span aria-hidden="true">‼</span>{' '}
      <Link to={`/alerts/${cue.id}`}>{t('alerts.newCritical', { text: cue.text })}</Link>{' '}
      <button type="button" className="secondary" onClick={() => setCue(undefined)}>
        ×<span className="sr-only">close</span>
      </button>
    </div>
  );
}

/** The switch for the tone (a click: what browsers require before sound). */
export function SoundSwitch() {
  const { t } = useTranslation();
  const [on, setOn] = useState(soundOnNow());
  return (
    <label className="check">
      <input
        type="checkbox"
        checked={on}
        onChange={(e) => {
          setSoundNow(e.target.checked);
          setOn(e.target.checked);
        }}
      />{' '}
      ♫ {t('alerts.sound')}
    </label>
  );
}
