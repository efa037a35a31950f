import { EventEmitter } from 'node:events';
import type { Alert, CameraDelta } from '@kuzet/protocol';
import type { Redis } from 'ioredis';

/**
 * Fan-out of camera deltas and alert changes to every server instance (Redis pub/sub), so that any instance's live
 * subscribers see changes ingested (or alerts raised) by any other.
 */
export class DeltaBus extends EventEmitter<{ deltas: [CameraDelta[]]; alerts: [Alert[]]; resubscribed: [] }> {
  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly channel: string,
    private readonly alertChannel = `${channel}:alerts`,
  ) {
    super();
  }

  async start(): Promise<void> {
    await this.sub.subscribe(this.channel, this.alertChannel);
    // after a reconnect (ioredis resubscribes by itself) messages of the gap are lost: listeners resync
    let first = this.sub.status !== 'ready';
    this.sub.on('ready', () => {
      if (!first) this.emit('resubscribed');
      first = false;
    });
    this.sub.on('message', (ch, text) => {
      if (ch !== this.channel && ch !== this.alertChannel) return;
      try {
        if (ch === this.alertChannel) this.emit('alerts', JSON.parse(text) as Alert[]);
        else this.emit('deltas', JSON.parse(text) as CameraDelta[]);
      } catch {
        /* not ours */
      }
    });
  }

  async publishAlerts(alerts: Alert[]): Promise<void> {
    if (alerts.length) await this.pub.publish(this.alertChannel, JSON.stringify(alerts));
  }

  async publish(deltas: CameraDelta[]): Promise<void> {
    if (deltas.length) await this.pub.publish(this.channel, JSON.stringify(deltas));
  }
}
