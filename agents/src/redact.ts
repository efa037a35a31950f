/**
 * Camera credentials never leave the school. Every text that comes from a device or a tool (ffprobe's stderr, a SOAP
 * fault, an error message naming a URL) may carry them: this strips URL userinfo (`rtsp://user:pass@host` →
 * `rtsp://host`) and every configured secret, in the forms it can take in text (as typed, percent-encoded,
 * XML- and JSON-escaped), before the text becomes a report's detail, a log line or a message.
 */

import type { AgentMessage } from '@kuzet/protocol';
import type { MessageSink } from './output.ts';

const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^/\s@?#"'<>]*@/gi;
export const REDACTED = '***';

const xmlEscape = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** The forms a secret takes in text, longest first (so that a longer form is not left half-replaced). */
function forms(secret: string): string[] {
  const out = new Set<string>([secret]);
  try {
    out.add(encodeURIComponent(secret));
    out.add(encodeURI(secret));
  } catch {
    /* lone surrogates: only the raw form */
  }
  out.add(xmlEscape(secret));
  out.add(JSON.stringify(secret).slice(1, -1));
  return [...out].sort((a, b) => b.length - a.length);
}

/** Strips URL userinfo from a text (whatever the scheme). */
export const stripUserinfo = (text: string): string => text.replace(USERINFO, '$1');

export class Redactor {
  private patterns: string[] = [];

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Adds a secret; empty ones are ignored (an empty password cannot be told apart from nothing). */
  add(secret: string | undefined): void {
    if (!secret) return;
    for (const f of forms(secret)) if (!this.patterns.includes(f)) this.patterns.push(f);
    this.patterns.sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.patterns.length;
  }

  /** A text with userinfo and every secret removed. */
  text(s: string): string {
    let out = s.includes('://') ? stripUserinfo(s) : s;
    for (const p of this.patterns) if (out.includes(p)) out = out.split(p).join(REDACTED);
    return out;
  }

  /**
   * A copy of a value with every string redacted (the value itself is left alone: the agent keeps using it).
   * Objects are copied only where something changed. `skip` names keys whose values are not text (a picture's
   * base64 bytes) and pass unchanged.
   */
  deep<T>(value: T, skip: ReadonlySet<string> = NO_SKIP): T {
    return walk(value, this, skip) as T;
  }
}

const NO_SKIP: ReadonlySet<string> = new Set();

function walk(v: unknown, r: Redactor, skip: ReadonlySet<string>): unknown {
  if (typeof v === 'string') return r.text(v);
  if (Array.isArray(v)) {
    let copy: unknown[] | undefined;
    v.forEach((x, i) => {
      const y = walk(x, r, skip);
      if (y === x) return;
      copy ??= [...v];
      copy[i] = y;
    });
    return copy ?? v;
  }
  if (v && typeof v === 'object') {
    let copy: Record<string, unknown> | undefined;
    for (const [k, x] of Object.entries(v)) {
      if (skip.has(k)) continue;
      const y = walk(x, r, skip);
      if (y === x) continue;
      copy ??= { ...(v as Record<string, unknown>) };
      copy[k] = y;
    }
    return copy ?? v;
  }
  return v;
}

/** The secrets an agent's configuration holds: every camera and NVR password. */
export function configSecrets(config: {
  credentials: readonly { password: string }[];
  nvrs: readonly { password: string }[];
}): string[] {
  return [...config.credentials.map((c) => c.password), ...config.nvrs.map((n) => n.password)];
}

/** keys whose values are bytes, not text (a picture's base64) */
const BINARY: ReadonlySet<string> = new Set(['data']);

/** Every message the agent sends passes through here: no text in it carries a credential. */
export class RedactingSink implements MessageSink {
  constructor(
    private readonly inner: MessageSink,
    readonly redactor: Redactor,
  ) {}
  send(msg: AgentMessage, o?: { routine?: boolean }): void {
    this.inner.send(this.redactor.deep(msg, BINARY), o);
  }
  wantsSnapshots(): boolean {
    return this.inner.wantsSnapshots?.() ?? false;
  }
  flush(): void {
    this.inner.flush?.();
  }
}
