import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { HealthTier, Reason } from '@kuzet/protocol';
import { z } from 'zod';
import { besideToken } from './status-file.ts';

/** beside the token and the status file (see besideToken) */
export const checkMemoryFileOf = (tokenFile: string) => besideToken(tokenFile, 'checks.json');

const Remembered = z.record(
  z.string(),
  z.partialRecord(HealthTier, z.object({ reasons: z.array(Reason), at: z.number() })),
);
type Remembered = z.infer<typeof Remembered>;

/**
 * What the deep checks (a stream's analysis every 15 minutes, a recording search every hour) last found of each
 * camera, kept on disk across the agent's restarts. A restarted agent knew nothing of them until each ran again —
 * the stream's first run falls anywhere in its interval —, so it reported a camera with a black picture "online"
 * for up to a quarter of an hour after every restart (a power cut at the school, an update), and the centre resolved
 * the camera's alert and opened it again. A result is believed after a restart for twice its tier's interval, as
 * it would have been had the agent kept running; its tier's next run replaces it. A file that cannot be read or
 * written is ignored: the agent then starts knowing nothing, as before.
 */
export class CheckMemory {
  private data: Remembered = {};
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly file: string | undefined,
    /** how long each tier's result is believed after a restart (ms) */
    private readonly maxAgeMs: Partial<Record<HealthTier, number>>,
    private readonly writeDelayMs = 2000,
  ) {
    if (!file) return;
    try {
      const r = Remembered.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (r.success) this.data = r.data;
      // what is too old to be believed is dropped (a camera taken away leaves nothing behind for long)
      const now = Date.now();
      for (const [id, tiers] of Object.entries(this.data)) {
        for (const [tier, v] of Object.entries(tiers))
          if (!this.believed(tier as HealthTier, v.at, now)) delete tiers[tier as HealthTier];
        if (!Object.keys(tiers).length) delete this.data[id];
      }
    } catch {
      // none yet, or unreadable: nothing remembered
    }
  }

  /** The failures of a camera's remembered tiers still young enough to be believed (tier → reasons). */
  recall(cameraId: string, now = Date.now()): [HealthTier, Reason[]][] {
    const out: [HealthTier, Reason[]][] = [];
    for (const [tier, r] of Object.entries(this.data[cameraId] ?? {}) as [
      HealthTier,
      { reasons: Reason[]; at: number },
    ][]) {
      if (r.reasons.length && this.believed(tier, r.at, now)) out.push([tier, r.reasons]);
    }
    return out;
  }

  /** A tier's result found at `at` is still believed at `now` (a tier given no age is never kept). */
  private believed(tier: HealthTier, at: number, now: number): boolean {
    const max = this.maxAgeMs[tier];
    return max !== undefined && at <= now && now - at <= max;
  }

  /** A tier's new result (only the tiers given an age are kept). */
  remember(cameraId: string, tier: HealthTier, reasons: Reason[], now = Date.now()): void {
    if (this.maxAgeMs[tier] === undefined) return;
    this.data[cameraId] = { ...this.data[cameraId], [tier]: { reasons, at: now } };
    this.save();
  }

  /** A tier's result is stale (the camera was offline meanwhile): not to be believed after a restart either. */
  forget(cameraId: string, tier: HealthTier): void {
    const c = this.data[cameraId];
    if (!c?.[tier]) return;
    delete c[tier];
    this.save();
  }

  /** Writes what is pending now (the agent stops). */
  flush(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.write();
  }

  private save(): void {
    if (!this.file || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.write();
    }, this.writeDelayMs);
    this.timer.unref();
  }

  private write(): void {
    if (!this.file) return;
    try {
      writeFileSync(`${this.file}.tmp`, JSON.stringify(this.data));
      renameSync(`${this.file}.tmp`, this.file); // a reader never sees half a file
    } catch {
      // a full or read-only disk must not stop the agent
    }
  }
}
