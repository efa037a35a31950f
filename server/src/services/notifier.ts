import { createHmac } from 'node:crypto';
import {
  type Alert,
  type NotifyEvent,
  type NotifyLang,
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

/** What happened to the alert, in the notification's words. */
function verbOf(n: Notification): Record<NotifyLang, string> {
  const a = n.alert;
  const who = a.assignee ?? '?';
  const times = a.reopens ?? 1;
  return {
    opened: { ru: 'открыто', kk: 'ашылды', en: 'opened' },
    escalated: { ru: `эскалация ${n.level}`, kk: `эскалация ${n.level}`, en: `escalated ${n.level}` },
    renotify: { ru: 'напоминание', kk: 'еске салу', en: 'reminder' },
    resolved: { ru: 'закрыто', kk: 'жабылды', en: 'resolved' },
    reopened: { ru: `открыто снова (${times})`, kk: `қайта ашылды (${times})`, en: `reopened (${times})` },
    assigned: { ru: `назначено: ${who}`, kk: `тағайындалды: ${who}`, en: `assigned to ${who}` },
  }[n.event];
}

/**
 * One line a person can act on, in the target's language (Russian by default, or Kazakh, each with the English after
 * it; or English alone): what happened in words (protocol's labels) with the rule's and reasons' ids after them, the
 * place by the names people use (school, district, camera, region) when the alert carries them, the ids after them.
 */
export function summary(n: Notification, lang: NotifyLang = 'ru'): string {
  const a = n.alert;
  const ids = a.cameraId ? `${a.schoolId} / ${a.cameraId}` : a.schoolId;
  const nm = a.names;
  const names = lang === 'kk' ? 'kk' : 'ru'; // schools and districts are named in Kazakh and Russian
  const named = [
    nm?.school ? `${nm.school[names]}${nm.district ? ` (${nm.district[names]})` : ''}` : undefined,
    nm?.camera ?? nm?.host,
  ].filter(Boolean);
  const where = named.length ? `${named.join(' / ')} [${ids}]` : ids;
  // in the language's words, with the rule and reasons' ids (English, and what the API and logs say) after them
  const both = (t: Record<NotifyLang, string>) => (lang === 'en' ? t.en : `${t[lang]} / ${t.en}`);
  const reasons = a.reasons.map((r) => REASON_LABELS[r]?.[lang] ?? r).join(', ');
  const severity = both({ ...SEVERITY_LABELS[a.severity], en: a.severity.toUpperCase() });
  const what =
    `${severity}: ${RULE_LABELS[a.rule][lang]}` +
    `${reasons ? ` — ${reasons}` : ''} [${a.rule}${a.reasons.length ? `: ${a.reasons.join(', ')}` : ''}]`;
  const cameras = a.cameras
    ? `, ${both({ ru: `камер: ${a.cameras}`, kk: `камералар: ${a.cameras}`, en: `${a.cameras} cameras` })}`
    : '';
  const region = nm?.region ? `${nm.region[lang]} (${a.regionCode})` : a.regionCode;
  return `Kuzet #${a.id} ${both(verbOf(n))}: ${what} — ${where}, ${region}${cameras}${n.dashboardUrl ? ` ${n.dashboardUrl}/alerts/${a.id}` : ''}`;
}

/** Delivers one notification to one target; throws on any failure so that the queue retries with backoff. */
export class Notifier {
  private mail?: Transporter;
  constructor(private readonly cfg: NotifierConfig) {
    if (cfg.smtpUrl) this.mail = nodemailer.createTransport(cfg.smtpUrl);
  }

  async send(target: NotifyTarget, n: Notification, deliveryId: string): Promise<void> {
    const text = summary(n, target.lang);
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
