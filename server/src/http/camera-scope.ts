import type { School, User } from '@kuzet/protocol';
import { schoolAllowed } from '../services/access.ts';
import type { AppContext } from './context.ts';

/**
 * The school a camera belongs to, if the user may see it (no user: any school). Undefined otherwise — the route
 * answers 404 alike for a camera that does not exist and for one outside the user's scope (nothing to probe).
 */
export async function cameraSchool(
  ctx: Pick<AppContext, 'redis' | 'keys' | 'registry'>,
  user: User | undefined,
  cameraId: string,
): Promise<School | undefined> {
  const schoolId = await ctx.redis.hget(ctx.keys.cam(cameraId), 'schoolId');
  const school = schoolId ? await ctx.registry.school(schoolId) : undefined;
  return school && (!user || schoolAllowed(user, school)) ? school : undefined;
}
