import { useTranslation } from 'react-i18next';
import { useLive } from '../hooks/live.tsx';

/** Visible while the live link is down: the page shows the last known state until the resync. */
export function LiveBanner() {
  const { t } = useTranslation();
  const { state, everOpen } = useLive();
  if (state === 'open') return null;
  if (state === 'connecting' && !everOpen)
    return (
      <div className="banner banner-info" role="status">
        {t('live.connecting')}
      </div>
    );
  return (
    <div className="banner banner-lost" role="alert" data-testid="live-lost">
      <span aria-hidden="true">⚠</span> {t('live.lost')}
    </div>
  );
}
