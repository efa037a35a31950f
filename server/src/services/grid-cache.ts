import { createHash } from 'node:crypto';
import { type CameraDelta, type CameraGrid, type CameraGridIds, STATUS_CODE } from '@kuzet/protocol';
import type { StateRepository } from '../repositories/state.ts';

interface RegionGrid {
  schools: [string, number][];
  ids: string[];
  idsJoined: string;
  /** names the region's camera list (a hash of its ids): equal on every instance that loaded the same cameras */
  version: string;
  status: string[];
  index: Map<string, number>;
}

const hash = (s: string) => createHash('sha1').update(s).digest('base64url').slice(0, 16);

/**
 * The camera grid of every region, kept in memory by each server instance: loaded from Redis (the region grid
 * hashes the transition script maintains), then kept current from the delta bus, so that the country's 250,000
 * cameras are served without reading 250,000 hash fields per request. A region is reloaded (in the background,
 * shortly after) when a camera it does not know appears, and every region when the bus may have missed messages.
 */
export class GridCache {
  private readonly regions = new Map<string, RegionGrid>();
  private readonly dirty = new Set<string>();
  private readonly loading = new Map<string, Promise<RegionGrid>>();
  private timer?: NodeJS.Timeout;
  private firstDirtyAt = 0;
  loads = 0;

  constructor(
    private readonly state: StateRepository,
    private readonly reloadDelayMs = 1000,
  ) {}

  /** Loads these regions in the background (at start), so that the first dashboard does not wait for them. */
  warm(codes: string[]): Promise<void> {
    return (async () => {
      for (const c of codes) if (!this.regions.has(c)) await this.load(c).catch(() => undefined);
    })();
  }

  /** Applies live deltas; unknown cameras mark their region for a reload. */
  apply(deltas: CameraDelta[]): void {
    for (const d of deltas) {
      const r = this.regions.get(d.regionCode);
      if (!r) continue;
      const k = r.index.get(d.cameraId.slice(4));
      if (k === undefined) this.markDirty(d.regionCode);
      else r.status[k] = STATUS_CODE[d.status];
    }
  }

  /** One region's grid changed behind the deltas' back: reload it. */
  invalidate(code: string): void {
    this.markDirty(code);
  }

  /** Everything may be stale (the bus reconnected): reload every region soon. */
  invalidateAll(): void {
    for (const code of this.regions.keys()) this.markDirty(code);
  }

  /**
   * Reloads in the background once new cameras stop arriving for a moment (a trailing debounce, at most 15 s):
   * a resync of thousands of agents reloads each region once, not every second. A request for a dirty region reads
   * it at once anyway.
   */
  private markDirty(code: string): void {
    this.dirty.add(code);
    const now = Date.now();
    if (!this.timer) this.firstDirtyAt = now;
    else if (now - this.firstDirtyAt < 15_000) clearTimeout(this.timer);
    else return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const codes = [...this.dirty];
      this.dirty.clear();
      void (async () => {
        for (const c of codes) await this.load(c).catch(() => this.dirty.add(c));
      })();
    }, this.reloadDelayMs);
    this.timer.unref();
  }

  private load(code: string): Promise<RegionGrid> {
    const pending = this.loading.get(code);
    if (pending) return pending;
    const p = (async () => {
      this.loads++;
      const g = await this.state.regionGrid(code);
      const ids: string[] = [];
      for (let i = 0; i < g.ids.length; i += 16) ids.push(g.ids.slice(i, i + 16));
      const r: RegionGrid = {
        schools: g.schools,
        ids,
        idsJoined: g.ids,
        version: hash(g.ids),
        status: g.status.split(''),
        index: new Map(ids.map((id, k) => [id, k])),
      };
      this.regions.set(code, r);
      return r;
    })().finally(() => this.loading.delete(code));
    this.loading.set(code, p);
    return p;
  }

  /**
   * The grid of these regions (optionally of one school only), from memory once a region was loaded, with the
   * cameras' ids (served apart: see CameraGridIds).
   */
  async get(regionCodes: string[], onlySchool?: string): Promise<CameraGrid & CameraGridIds> {
    const regions: CameraGrid['regions'] = [];
    const ids: string[] = [];
    const status: string[] = [];
    const versions: string[] = [];
    for (const code of regionCodes) {
      // a region that knows it is stale is read again now (the background reload only gets there first)
      const cached = this.dirty.has(code) ? undefined : this.regions.get(code);
      if (!cached) this.dirty.delete(code);
      const r = cached ?? (await this.load(code));
      if (onlySchool === undefined) {
        regions.push({ code, schools: r.schools });
        ids.push(r.idsJoined);
        status.push(r.status.join(''));
        versions.push(r.version);
        continue;
      }
      let start = 0;
      for (const [school, n] of r.schools) {
        if (school === onlySchool) {
          regions.push({ code, schools: [[school, n]] });
          ids.push(r.ids.slice(start, start + n).join(''));
          status.push(r.status.slice(start, start + n).join(''));
        }
        start += n;
      }
      if (!regions.some((x) => x.code === code)) regions.push({ code, schools: [] });
    }
    const joined = ids.join('');
    return {
      at: new Date().toISOString(),
      version:
        onlySchool === undefined ? hash(`${regionCodes.join()}|${versions.join()}`) : hash(`${onlySchool}|${joined}`),
      regions,
      ids: joined,
      status: status.join(''),
    };
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
