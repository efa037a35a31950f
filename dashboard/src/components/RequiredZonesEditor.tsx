import { type Profile, type RequirementsDoc, zoneName } from '@kuzet/protocol';
import { useTranslation } from 'react-i18next';

type Required = Profile['requiredZones'];

/**
 * Which zones a profile requires to be watched, and by how many compliant cameras each ("cameras where they are
 * really needed"): one row per zone, a zone never twice, never a forbidden one (the server refuses both too).
 */
export function RequiredZonesEditor({
  doc,
  profile,
  onChange,
}: {
  doc: RequirementsDoc;
  profile: Profile;
  onChange: (zones: Required) => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const allowed = doc.zones.filter((z) => !z.forbidden);
  const used = new Set(profile.requiredZones.map((r) => r.zone));
  const free = allowed.filter((z) => !used.has(z.id));
  const set = (i: number, r: Required[number]) => onChange(profile.requiredZones.map((x, j) => (j === i ? r : x)));
  return (
    <fieldset className="required-zones" data-required-zones={profile.name}>
      <legend>
        {t('compliance.requiredZones')}: <strong>{profile.name}</strong>
      </legend>
      {profile.requiredZones.length === 0 && <p className="muted small">{t('compliance.noRequiredZones')}</p>}
      <ul>
        {profile.requiredZones.map((r, i) => (
          <li key={r.zone} data-zone={r.zone}>
            <select
              aria-label={`${profile.name}: ${t('compliance.zone')} ${i + 1}`}
              name={`${profile.name}.zones.${i}`}
              value={r.zone}
              onChange={(e) => set(i, { ...r, zone: e.target.value })}
            >
              {allowed
                .filter((z) => z.id === r.zone || !used.has(z.id))
                .map((z) => (
                  <option key={z.id} value={z.id}>
                    {zoneName(doc.zones, z.id, lang)}
                  </option>
                ))}
            </select>{' '}
            <label>
              {t('compliance.minCamerasInZone')}{' '}
              <input
                type="number"
                min={1}
                step={1}
                name={`${profile.name}.zone.${r.zone}`}
                value={Number.isNaN(r.minCameras) ? '' : String(r.minCameras)}
                onChange={(e) =>
                  set(i, { ...r, minCameras: e.target.value === '' ? Number.NaN : Number(e.target.value) })
                }
                style={{ width: '4.5rem' }}
              />
            </label>{' '}
            <button
              type="button"
              className="secondary small-button"
              aria-label={t('compliance.removeZone', { zone: zoneName(doc.zones, r.zone, lang) })}
              onClick={() => onChange(profile.requiredZones.filter((_, j) => j !== i))}
            >
              ✕
            </button>
          </li>
        ))}
      </ul>
      {free.length > 0 && (
        <button
          type="button"
          className="secondary small-button"
          data-add-zone={profile.name}
          onClick={() => onChange([...profile.requiredZones, { zone: free[0]!.id, minCameras: 1 }])}
        >
          + {t('compliance.addZone')}
        </button>
      )}
    </fieldset>
  );
}
