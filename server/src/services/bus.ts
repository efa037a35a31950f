import { EventEmitter } from 'node:events';
import type { CameraDelta } from '@kuzet/protocol';
import type { Redis } from 'ioredis';

/**
 * Fan-out of camera deltas to every server instance (Redis pub/sub), so that any instance's live subscribers see
 * changes ingested by any other.
 */
export class DeltaBus extends EventEmitter<{ deltas: [CameraDelta[]]; resubscribed: [] }> {
  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly channel: string,
  ) {
    super();
  }

  async start(): Promise<void> {
    await this.sub.subscribe(this.channel);
    // after a reconnect (ioredis resubscribes by itself) messages of the gap are lost: listeners resync
    let first = true;
    this.sub.on('ready', () => {
      if (!first) this.emit('resubscribed');
      first = false;
    });
    this.sub.on('message', (ch, text) => {
      if (ch !== this.channel) return;
      try {
        this.emit('deltas', JSON.parse(text) as CameraDelta[]);
      } catch {
        /* not ours */
      }
    });
  }

  async publish(deltas: CameraDelta[]): Promise<void> {
    if (deltas.length) await this.pub.publish(this.channel, JSON.stringify(deltas));
  }
}
