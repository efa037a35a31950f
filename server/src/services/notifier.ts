import { createHmac } from 'node:crypto';
import {
  type Alert,
  type NotifyEvent,
  type NotifyTarget,
  REASON_LABELS,
  RULE_LABELS,
  SEVERITY_LABELS,
} from '@kuzet/protocol';
import nodemailer, { type Transporter } from 'nodemailer';

export interface NotifierConfig {
  /** HMAC-SHA256 key for webhook bodies (header x-kuzet-signature: sha256=<hex>) */
  webhookSecret?: string;
  smtpUrl?: string;
  smtpFrom: string;
  telegramApi: string;
  telegramToken?: string;
  timeoutMs: number;
}

export interface Notification {
  event: NotifyEvent;
  level: number;
  alert: Alert;
  dashboardUrl?: string;
}

/**
 * One line a person can act on, in Russian and English (the recipients' working languages): what happened in words
 * (protocol's labels) with the rule's and reasons' ids after them, the place by the names people use (school,
 * district, camera) when the alert carries them, the ids after them.
 */
export function summary(n: Notification): string {
  const a = n.alert;
  const ids = a.cameraId ? `${a.schoolId} / ${a.cameraId}` : a.schoolId;
  const nm = a.names;
  const named = [
    nm?.school ? `${nm.school.ru}${nm.district ? ` (${nm.district.ru})` : ''}` : undefined,
    nm?.camera ?? nm?.host,
  ].filter(Boolean);
  const where = named.length ? `${named.join(' / ')} [${ids}]` : ids;
  // in Russian words, with the rule and reasons' ids (English, and what the API and logs say) after them
  const reasons = a.reasons.map((r) => REASON_LABELS[r]?.ru ?? r).join(', ');
  const what =
    `${SEVERITY_LABELS[a.severity].ru} / ${a.severity.toUpperCase()}: ${RULE_LABELS[a.rule].ru}` +
    `${reasons ? ` — ${reasons}` : ''} [${a.rule}${a.reasons.length ? `: ${a.reasons.join(', ')}` : ''}]`;
  const verb = {
    opened: 'открыто / opened',
    escalated: `эскалация ${n.level} / escalated`,
    renotify: 'напоминание / reminder',
    resolved: 'закрыто / resolved',
    reopened: `открыто снова (${a.reopens ?? 1}) / reopened`,
    assigned: `назначено: ${a.assignee ?? '?'} / assigned to ${a.assignee ?? '?'}`,
  }[n.event];
  return `Kuzet #${a.id} ${verb}: ${what} — ${where}, ${a.regionCode}${a.cameras ? `, ${a.cameras} cameras` : ''}${n.dashboardUrl ? ` ${n.dashboardUrl}/alerts/${a.id}` : ''}`;
}

/** Delivers one notification to one target; throws on any failure so that the queue retries with backoff. */
export class Notifier {
  private mail?: Transporter;
  constructor(private readonly cfg: NotifierConfig) {
    if (cfg.smtpUrl) this.mail = nodemailer.createTransport(cfg.smtpUrl);
  }

  async send(target: NotifyTarget, n: Notification, deliveryId: string): Promise<void> {
    const text = summary(n);
    switch (target.channel) {
      case 'webhook': {
        const body = JSON.stringify({ v: 1, deliveryId, event: n.event, level: n.level, alert: n.alert, text });
        const headers: Record<string, string> = { 'content-type': 'application/json', 'x-kuzet-delivery': deliveryId };
        if (this.cfg.webhookSecret)
          headers['x-kuzet-signature'] =
            `sha256=${createHmac('sha256', this.cfg.webhookSecret).update(body).digest('hex')}`;
        const res = await fetch(target.url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(this.cfg.timeoutMs),
        });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`webhook ${target.url}: HTTP ${res.status}`);
        return;
      }
      case 'email': {
        if (!this.mail) throw new Error('e-mail target but no SMTP configured (KUZET_SMTP_URL)');
        await this.mail.sendMail({
          from: this.cfg.smtpFrom,
          to: target.to,
          subject: text.slice(0, 150),
          text,
          headers: { 'X-Kuzet-Delivery': deliveryId },
        });
        return;
      }
      case 'telegram': {
        if (!this.cfg.telegramToken) throw new Error('telegram target but no bot token (KUZET_TELEGRAM_TOKEN)');
        const res = await fetch(`${this.cfg.telegramApi}/bot${this.cfg.telegramToken}/sendMessage`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ chat_id: target.chatId, text, disable_web_page_preview: true }),
          signal: AbortSignal.timeout(this.cfg.timeoutMs),
        });
        const j = (await res.json().catch(() => ({}))) as { ok?: boolean; description?: string };
        if (!res.ok || j.ok === false) throw new Error(`telegram: HTTP ${res.status} ${j.description ?? ''}`);
        return;
      }
    }
  }

  close(): void {
    this.mail?.close();
  }
}
