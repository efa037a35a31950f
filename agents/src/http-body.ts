/** An answer that went on past the size allowed for it. */
export class BodyTooLarge extends Error {}

/**
 * An HTTP answer's body as text, read as it streams in and abandoned past `max` bytes: a device that sends an endless
 * body (or one that lies about its length) costs at most `max`, not the agent's memory.
 */
export async function readCapped(res: Response, max: number, what: string): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.byteLength;
    if (n > max) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLarge(`${what}: answer larger than ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
