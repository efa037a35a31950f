import type { LiveScope, School, User } from '@kuzet/protocol';

/**
 * Who may see what. admin: everything; operator: their regions; auditor: their regions, or the whole country when
 * bound to none (read-only everywhere); school staff: their own school only.
 */
export function regionAllowed(u: User, regionCode: string): boolean {
  if (u.role === 'admin') return true;
  if (u.role === 'school') return false;
  if (u.role === 'auditor' && u.regions.length === 0) return true;
  return u.regions.includes(regionCode as User['regions'][number]);
}

export function schoolAllowed(u: User, s: Pick<School, 'id' | 'regionCode'>): boolean {
  if (u.role === 'school') return u.schoolId === s.id;
  return regionAllowed(u, s.regionCode);
}

export function countryAllowed(u: User): boolean {
  return u.role === 'admin' || (u.role === 'auditor' && u.regions.length === 0);
}

/** The regions a user's lists are limited to (undefined: no limit). */
export function regionFilter(u: User): string[] | undefined {
  if (countryAllowed(u)) return undefined;
  return u.role === 'school' ? [] : u.regions;
}

export function scopeAllowed(u: User, scope: LiveScope, schoolRegion?: string): boolean {
  switch (scope.kind) {
    case 'mine':
      return true;
    case 'country':
      return countryAllowed(u);
    case 'region':
      return regionAllowed(u, scope.code);
    case 'school':
      return schoolRegion !== undefined && schoolAllowed(u, { id: scope.id, regionCode: schoolRegion });
  }
}

/** Whether a change of a camera in this school may reach this user. */
export function deltaVisible(u: User, d: { schoolId: string; regionCode: string }): boolean {
  return schoolAllowed(u, { id: d.schoolId, regionCode: d.regionCode });
}
