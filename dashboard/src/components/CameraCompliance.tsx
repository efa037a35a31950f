import type { CameraVerdict } from '@kuzet/protocol';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../lib/format.ts';
import { Mark, markOf, retentionText } from './Mark.tsx';

/**
 * One camera's verdict against its school's profile (the same verdict as the school's table and the archive): each
 * requirement with what was measured and what is required, and why it fails.
 */
export function CameraCompliance({ v }: { v: CameraVerdict }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const r = v.resolution;
  const c = v.continuity;
  return (
    <section className="panel" data-testid="camera-compliance" data-compliant={String(v.compliant)}>
      <h2>
        {t('compliance.title')}:{' '}
        {v.compliant ? (
          <span className="ok">✓ {t('compliance.ok')}</span>
        ) : (
          <span className="bad">✕ {v.reasons.map((x) => t(`compliance.reason.${x}`)).join(', ')}</span>
        )}
      </h2>
      <dl className="facts">
        <dt>{t('compliance.signal')}</dt>
        <dd data-requirement="signal">
          <Mark state={markOf(v.signal)}>
            {v.signal === 'ok'
              ? t('compliance.signalOk')
              : v.signal === 'unknown'
                ? '—'
                : t(`compliance.reason.${v.signal === 'none' ? 'no_signal' : 'link_down'}`)}
          </Mark>
        </dd>
        <dt>{t('compliance.retention')}</dt>
        <dd data-requirement="retention">
          <Mark state={markOf(v.retention.state)}>
            {v.retention.days !== undefined
              ? retentionText(v.retention.days, t, lang)
              : t('compliance.reason.retention_unknown')}{' '}
            / {t('compliance.days', { n: v.retention.required, count: v.retention.required })}
          </Mark>
        </dd>
        <dt>{t('compliance.gaps')}</dt>
        <dd data-requirement="gaps">
          <Mark state={markOf(c.state)}>
            {c.state === 'unknown'
              ? '—'
              : t(c.longGaps ? 'compliance.gapsFound' : 'compliance.gapsNone', {
                  n: c.longGaps,
                  max: c.maxGapMinutes,
                  days: c.windowDays,
                  count: c.windowDays,
                })}
          </Mark>
        </dd>
        <dt>{t('compliance.resolution')}</dt>
        <dd data-requirement="resolution">
          <Mark state={markOf(r.state)}>
            {r.width ? t('units.video', { w: r.width, h: r.height, fps: r.fps }) : '—'} (
            {t(`compliance.source.${r.source}`)})
          </Mark>
          <div className="muted small">
            {t('compliance.requiredVideo', {
              video: t('units.video', { w: r.required.width, h: r.required.height, fps: r.required.fps }),
            })}
          </div>
        </dd>
        <dt>{t('school.drift')}</dt>
        <dd data-requirement="clock">
          <Mark state={markOf(v.clock.state)}>
            {v.clock.driftSeconds !== undefined
              ? t('units.seconds', { n: formatNumber(Math.round(v.clock.driftSeconds * 10) / 10, lang) })
              : '—'}{' '}
            / ±{t('units.seconds', { n: v.clock.maxSeconds })}
          </Mark>
        </dd>
      </dl>
    </section>
  );
}
