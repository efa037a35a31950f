import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import {
  type Alert,
  type NotifyEvent,
  type NotifyLang,
  type NotifyTarget,
  REASON_LABELS,
  RULE_LABELS,
  SEVERITY_LABELS,
  targetAddress,
  targetLabel,
} from '@kuzet/protocol';
import nodemailer, { type Transporter } from 'nodemailer';
import { WebhookPolicy } from './webhook-policy.ts';

export interface NotifierConfig {
  /** HMAC-SHA256 key for webhook bodies (header x-kuzet-signature: sha256=<hex>) */
  webhookSecret?: string;
  smtpUrl?: string;
  smtpFrom: string;
  telegramApi: string;
  telegramToken?: string;
  timeoutMs: number;
  /** where guarded webhooks (those school staff set) may not go: see WebhookPolicy */
  webhookPolicy?: WebhookPolicy;
}

/** a webhook's answer is read up to this much (its status is what counts), then the connection is closed */
const MAX_ANSWER_BYTES = 64 * 1024;

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

/**
 * Why a delivery failed, fit for the alert's timeline (everyone who reads the alert): the target's address replaced
 * by its label (targetLabel), URL userinfo and the bot's token stripped. The error texts come from other systems
 * (an SMTP server repeats the recipient, a fetch error names the URL).
 */
export function failureText(
  reason: string | undefined,
  target: NotifyTarget,
  secrets: (string | undefined)[] = [],
): string {
  let text = (reason ?? 'failed').split(targetAddress(target)).join(targetLabel(target));
  for (const s of secrets) if (s) text = text.split(s).join('***');
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@?#"'<>]*@/gi, '$1');
}

/** What a failed webhook request says: the system's code (ECONNREFUSED), or why it was refused. */
const requestError = (err: Error & { code?: string }) =>
  new Error(
    err.code === 'EINTERNAL'
      ? err.message
      : `request failed (${err.name === 'AbortError' || err.name === 'TimeoutError' ? 'timeout' : (err.code ?? err.message)})`,
  );

/** What a failed fetch says: its message and, when there is one, the system's code (ECONNREFUSED). */
const fetchError = (err: unknown) => {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  return new Error(`${e.message}${e.cause ? ` (${e.cause.code ?? e.cause.message})` : ''}`);
};

/** Delivers one notification to one target; throws on any failure so that the queue retries with backoff. */
export class Notifier {
  private mail?: Transporter;
  constructor(private readonly cfg: NotifierConfig) {
    if (cfg.smtpUrl) this.mail = nodemailer.createTransport(cfg.smtpUrl);
    this.policy = cfg.webhookPolicy ?? new WebhookPolicy();
  }

  private readonly policy: WebhookPolicy;

  /** `guarded`: a webhook school staff set (see WebhookPolicy): never posted to an internal address */
  async send(target: NotifyTarget, n: Notification, deliveryId: string, guarded = false): Promise<void> {
    const text = summary(n, target.lang);
    await this.deliver(
      target,
      text,
      { v: 1, deliveryId, event: n.event, level: n.level, alert: n.alert, text },
      deliveryId,
      guarded,
    );
  }

  /**
   * A test message to one target, sent at once (an administrator checking an address before alerts depend on it):
   * says it is a test, who asked, and where the dashboard is. A webhook's body has `event: "test"` and no alert.
   */
  async sendTest(
    target: NotifyTarget,
    by: string,
    deliveryId: string,
    dashboardUrl?: string,
    guarded = false,
  ): Promise<void> {
    const words: Record<NotifyLang, string> = {
      ru: `проверка оповещений (запросил ${by}) / notification test (asked by ${by})`,
      kk: `хабарлама тексерісі (${by} сұрады) / notification test (asked by ${by})`,
      en: `notification test (asked by ${by})`,
    };
    const text = `Kuzet: ${words[target.lang ?? 'ru']}${dashboardUrl ? ` ${dashboardUrl}` : ''}`;
    await this.deliver(target, text, { v: 1, deliveryId, event: 'test', text }, deliveryId, guarded);
  }

  private async deliver(
    target: NotifyTarget,
    text: string,
    webhookBody: object,
    deliveryId: string,
    guarded: boolean,
  ): Promise<void> {
    switch (target.channel) {
      case 'webhook': {
        const body = JSON.stringify(webhookBody);
        const headers: Record<string, string> = { 'content-type': 'application/json', 'x-kuzet-delivery': deliveryId };
        if (this.cfg.webhookSecret)
          headers['x-kuzet-signature'] =
            `sha256=${createHmac('sha256', this.cfg.webhookSecret).update(body).digest('hex')}`;
        const status = await this.post(new URL(target.url), headers, body, guarded);
        // the target is named beside the reason (its label: see failureText); a redirect is not followed (it could
        // lead anywhere, an internal address included)
        if (status < 200 || status > 299) throw new Error(`HTTP ${status}`);
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
        }).catch((err) => {
          throw fetchError(err);
        });
        const j = (await res.json().catch(() => ({}))) as { ok?: boolean; description?: string };
        if (!res.ok || j.ok === false) throw new Error(`HTTP ${res.status} ${j.description ?? ''}`.trim());
        return;
      }
    }
  }

  /**
   * Posts a webhook's body; resolves with the answer's status. Guarded: refused before connecting when the address
   * (written out, or what the name resolves to when connecting) is internal and not allowed.
   */
  private post(url: URL, headers: Record<string, string>, body: string, guarded: boolean): Promise<number> {
    const refused = guarded ? this.policy.literalRefusal(url) : undefined;
    if (refused) return Promise.reject(requestError(refused));
    return new Promise((resolve, reject) => {
      const req = (url.protocol === 'https:' ? https : http).request(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          signal: AbortSignal.timeout(this.cfg.timeoutMs),
          ...(guarded ? { lookup: this.policy.lookup } : {}),
        },
        (res) => {
          let bytes = 0;
          res.on('data', (d: Buffer) => {
            bytes += d.length;
            if (bytes > MAX_ANSWER_BYTES) res.destroy();
          });
          res.on('error', () => undefined);
          res.on('close', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', (err) => reject(requestError(err)));
      req.end(body);
    });
  }

  /** Why school staff may not save this webhook (an internal address: see WebhookPolicy); undefined: they may. */
  webhookRefusal(url: string): Promise<{ host: string; address: string } | undefined> {
    return this.policy.refusal(url);
  }

  /** Why a delivery failed, for the alert's timeline: see failureText (this notifier's secrets stripped too). */
  failureText(reason: string | undefined, target: NotifyTarget): string {
    let smtpPassword: string | undefined;
    try {
      smtpPassword = this.cfg.smtpUrl ? decodeURIComponent(new URL(this.cfg.smtpUrl).password) : undefined;
    } catch {
      smtpPassword = undefined;
    }
    return failureText(reason, target, [this.cfg.telegramToken, this.cfg.webhookSecret, smtpPassword]);
  }

  close(): void {
    this.mail?.close();
  }
}
