import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { labelledDeliveryText, targetLabel } from '@kuzet/protocol';
import { describe, expect, it } from 'vitest';
import { failureText, Notifier } from './notifier.ts';
import { WebhookPolicy } from './webhook-policy.ts';

describe("what an alert's timeline says of a notification (everyone who reads the alert)", () => {
  it('names a target without its secret parts', () => {
    expect(
      targetLabel({ channel: 'webhook', url: 'https://u:p@hooks.example.kz:8443/services/T0/B0/s3cr3t?x=1' }),
    ).toBe('webhook https://hooks.example.kz:8443');
    expect(targetLabel({ channel: 'email', to: 'duty.officer@akimat.kz' })).toBe('email d***@akimat.kz');
    expect(targetLabel({ channel: 'telegram', chatId: '-1001234567' })).toBe('telegram …567');
  });

  it('says why a delivery failed without the address, userinfo or the notifier secrets', () => {
    const hook = { channel: 'webhook' as const, url: 'https://hooks.example.kz/services/s3cr3t' };
    expect(failureText(`POST ${hook.url}: HTTP 500`, hook)).toBe('POST webhook https://hooks.example.kz: HTTP 500');
    const mail = { channel: 'email' as const, to: 'duty@akimat.kz' };
    expect(failureText('550 5.1.1 <duty@akimat.kz>: Recipient address rejected', mail)).toBe(
      '550 5.1.1 <email d***@akimat.kz>: Recipient address rejected',
    );
    expect(failureText('connect to smtp://kuzet:pw@mail.kz failed', mail)).toBe('connect to smtp://mail.kz failed');
    const n = new Notifier({
      smtpUrl: 'smtp://kuzet:p%40ss@127.0.0.1:1',
      smtpFrom: 'kuzet@example.kz',
      telegramApi: 'http://127.0.0.1:1',
      telegramToken: '123:bot-token',
      timeoutMs: 100,
    });
    const chat = { channel: 'telegram' as const, chatId: '-100999' };
    expect(n.failureText('GET /bot123:bot-token/sendMessage for -100999: p@ss rejected', chat)).toBe(
      'GET /bot***/sendMessage for telegram …999: *** rejected',
    );
    n.close();
  });

  it('a test to a webhook nobody answers fails with the reason, not the URL', async () => {
    const n = new Notifier({ smtpFrom: 'k@example.kz', telegramApi: 'http://127.0.0.1:1', timeoutMs: 2000 });
    // a port just freed: nobody listens there
    const srv = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    const port = (srv.address() as AddressInfo).port;
    await new Promise((r) => srv.close(r));
    const hook = { channel: 'webhook' as const, url: `http://127.0.0.1:${port}/s3cr3t` };
    const err = await n.sendTest(hook, 'admin', 'test-1').catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const text = n.failureText((err as Error).message, hook);
    expect(text).toMatch(/ECONNREFUSED/);
    expect(text).not.toContain('s3cr3t');
  });
});

describe('deliveries written before the labels', () => {
  it('read with their addresses reduced, and labelled texts unchanged', () => {
    const cases: [string, string][] = [
      ['opened → webhook http://127.0.0.1:8099/operators', 'opened → webhook http://127.0.0.1:8099'],
      ['opened → webhook https://u:p@hooks.kz/services/T0/s3cr3t?x=1', 'opened → webhook https://hooks.kz'],
      ['renotify → email duty.officer@akimat.kz', 'renotify → email d***@akimat.kz'],
      ['escalated → telegram -1001234567', 'escalated → telegram …567'],
      ['webhook: webhook https://hooks.kz/s3cr3t: HTTP 500', 'webhook: webhook https://hooks.kz: HTTP 500'],
      ['email: 550 <duty@akimat.kz>: rejected', 'email: 550 <d***@akimat.kz>: rejected'],
    ];
    for (const [before, after] of cases) {
      expect(labelledDeliveryText(before)).toBe(after);
      expect(labelledDeliveryText(after)).toBe(after);
    }
    for (const t of [
      { channel: 'webhook' as const, url: 'https://hooks.kz:8443/a/b' },
      { channel: 'email' as const, to: 'a.b@c.kz' },
      { channel: 'telegram' as const, chatId: '-100123' },
    ])
      expect(labelledDeliveryText(`opened → ${targetLabel(t)}`)).toBe(`opened → ${targetLabel(t)}`);
  });
});

describe("a webhook school staff set (guarded) never reaches the centre's own networks", () => {
  /** a receiver on loopback: counts what it got, answers as told */
  const receiver = async (answer: (res: import('node:http').ServerResponse) => void = (res) => res.end('ok')) => {
    let got = 0;
    const srv = createServer((req, res) => {
      got++;
      req.resume();
      answer(res);
    }).listen(0, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    const port = (srv.address() as AddressInfo).port;
    return {
      port,
      got: () => got,
      close: () => new Promise((r) => srv.close(r)).then(() => srv.closeAllConnections()),
    };
  };
  const notifier = (allow: string[] = []) =>
    new Notifier({
      smtpFrom: 'k@example.kz',
      telegramApi: 'http://127.0.0.1:1',
      timeoutMs: 2000,
      webhookPolicy: new WebhookPolicy(allow),
    });

  it('refuses a loopback address written out, or a name that resolves to one, before sending anything', async () => {
    const r = await receiver();
    try {
      const n = notifier();
      for (const url of [`http://127.0.0.1:${r.port}/hook`, `http://localhost:${r.port}/hook`]) {
        const err = await n.sendTest({ channel: 'webhook', url }, 'guard', 't', undefined, true).catch((e) => e);
        expect((err as Error).message).toMatch(/is an internal address \((127\.0\.0\.1|::1)\): not allowed/);
      }
      expect(r.got()).toBe(0);
      // the same address set by an administrator (not guarded), or allowed by the configuration, is posted to
      await n.sendTest({ channel: 'webhook', url: `http://localhost:${r.port}/hook` }, 'admin', 't');
      await notifier(['localhost']).sendTest(
        { channel: 'webhook', url: `http://localhost:${r.port}/hook` },
        'guard',
        't',
        undefined,
        true,
      );
      expect(r.got()).toBe(2);
    } finally {
      await r.close();
    }
  });

  it('follows no redirect, and reads no more of an answer than it needs', async () => {
    const moved = await receiver((res) => {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' });
      res.end();
    });
    // an answer that never ends: the status is what counts, the rest is not read
    let sent = 0;
    const endless = await receiver((res) => {
      res.writeHead(200);
      const more = () => {
        if (res.destroyed) return;
        sent += 64 * 1024;
        res.write(Buffer.alloc(64 * 1024, 120), () => setImmediate(more));
      };
      more();
    });
    try {
      const n = notifier(['127.0.0.1']);
      const url = (port: number) => `http://127.0.0.1:${port}/hook`;
      const err = await n
        .sendTest({ channel: 'webhook', url: url(moved.port) }, 'a', 't', undefined, true)
        .catch((e) => e);
      expect((err as Error).message).toBe('HTTP 302');
      expect(moved.got()).toBe(1);
      await n.sendTest({ channel: 'webhook', url: url(endless.port) }, 'a', 't', undefined, true);
      expect(endless.got()).toBe(1);
      // closed after 64 KB (what the sockets' buffers held besides): not read on until the 2 s timeout
      expect(sent).toBeLessThan(16 * 1024 * 1024);
    } finally {
      await moved.close();
      await endless.close();
    }
  });
});
