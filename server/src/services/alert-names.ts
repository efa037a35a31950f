import { type Alert, cameraName } from '@kuzet/protocol';
import type { Redis } from 'ioredis';
import type { Keys } from '../repositories/redis.ts';
import type { RegistryRepository } from '../repositories/registry.ts';
import type { ComplianceService } from './compliance.ts';

export interface NamesDeps {
  redis: Redis;
  keys: Keys;
  registry: RegistryRepository;
  compliance: Pick<ComplianceService, 'current'>;
}

/**
 * Alerts with the names people use (issue 19): the camera's name (cameraName: staff's, else announced) and address,
 * its zone's names, the school's, district's and region's names — read when answering, so a renamed camera shows its
 * new name. A few reads per page: one pipeline for the cameras, the registry for schools, districts and regions.
 */
export async function withNames(ctx: NamesDeps, alerts: Alert[]): Promise<Alert[]> {
  if (!alerts.length) return alerts;
  const camIds = [...new Set(alerts.flatMap((a) => (a.cameraId ? [a.cameraId] : [])))];
  const schoolIds = [...new Set(alerts.map((a) => a.schoolId))];
  const p = ctx.redis.pipeline();
  for (const id of camIds) p.hmget(ctx.keys.cam(id), 'name', 'onvifName', 'onvifLocation', 'zone', 'host');
  const regionCodes = [...new Set(alerts.map((a) => a.regionCode))];
  const [camRes, schools, doc, regionList] = await Promise.all([
    camIds.length ? p.exec() : Promise.resolve([]),
    ctx.registry.schools(schoolIds),
    ctx.compliance.current(),
    Promise.all(regionCodes.map((c) => ctx.registry.region(c))),
  ]);
  const regions = new Map(regionList.flatMap((r) => (r ? [[r.code, r]] : [])));
  const cams = new Map(camIds.map((id, i) => [id, (camRes?.[i]?.[1] ?? []) as (string | null)[]]));
  const bySchool = new Map(schools.map((s) => [s.id, s]));
  const districtIds = [...new Set(schools.map((s) => s.districtId))];
  const districts = new Map(
    (await Promise.all(districtIds.map((id) => ctx.registry.district(id)))).flatMap((d) => (d ? [[d.id, d]] : [])),
  );
  const zones = new Map(doc.zones.map((z) => [z.id, { en: z.nameEn, ru: z.nameRu, kk: z.nameKk }]));
  return alerts.map((a) => {
    const c = a.cameraId ? cams.get(a.cameraId) : undefined;
    const s = bySchool.get(a.schoolId);
    const d = s ? districts.get(s.districtId) : undefined;
    const name = c ? cameraName({ name: c[0], onvifName: c[1], onvifLocation: c[2] }) : undefined;
    const zone = c?.[3] ? zones.get(c[3]) : undefined;
    const r = regions.get(a.regionCode);
    return {
      ...a,
      names: {
        ...(name ? { camera: name } : {}),
        ...(c?.[4] ? { host: c[4] } : {}),
        ...(zone ? { zone } : {}),
        ...(s ? { school: { kk: s.nameKk, ru: s.nameRu } } : {}),
        ...(d ? { district: { kk: d.nameKk, ru: d.nameRu } } : {}),
        ...(r ? { region: { en: r.nameEn, ru: r.nameRu, kk: r.nameKk } } : {}),
      },
    };
  });
}
