import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSmtp, type FakeSmtp } from '../../test/fixtures/fake-smtp.ts';
import { SmtpEmailProvider } from './smtp.ts';

describe('SmtpEmailProvider against a local SMTP server', () => {
  let server: FakeSmtp;
  let provider: SmtpEmailProvider;
  beforeAll(async () => {
    server = await startFakeSmtp({ user: 'tessera', password: 's3cret', refuse: ['gone@example.com'], busy: ['later@example.com'] });
    provider = new SmtpEmailProvider({ url: `smtp://tessera:s3cret@127.0.0.1:${server.port}`, from: 'Tessera <no-reply@tessera.test>', timeoutMs: 2000 });
  });
  afterAll(async () => {
    provider.close();
    await server.close();
  });

  it('authenticates and delivers the message: sender, recipient, subject and text', async () => {
    const outcome = await provider.send({ to: 'ada@example.com', subject: 'Your identity is verified', text: 'Hello Ada,\n\nYour identity has been verified.' });
    expect(outcome).toEqual({ result: 'sent', providerMessageId: expect.stringMatching(/^<.+@.+>$/) });
    const mail = server.mails.at(-1)!;
    expect(mail).toMatchObject({ from: 'no-reply@tessera.test', to: ['ada@example.com'], user: 'tessera' });
    const raw = mail.raw.replace(/=\r\n/g, '');
    expect(raw).toMatch(/^Subject: Your identity is verified$/m);
    expect(raw).toMatch(/^From: Tessera <no-reply@tessera\.test>$/m);
    expect(raw).toContain('Your identity has been verified.');
  });

  it('a 5xx for the recipient is refused for good; a 4xx is retried; errors never hold the text', async () => {
    const gone = await provider.send({ to: 'gone@example.com', subject: 's', text: 'secret text 1' });
    expect(gone).toEqual({ result: 'rejected', error: expect.stringMatching(/^smtp EENVELOPE 550/) });
    const later = await provider.send({ to: 'later@example.com', subject: 's', text: 'secret text 2' });
    expect(later).toEqual({ result: 'retry', error: expect.stringMatching(/^smtp EENVELOPE 451/) });
    expect(JSON.stringify([gone, later])).not.toContain('secret text');
  });

  it('wrong credentials, and no server at all: retried', async () => {
    const wrong = new SmtpEmailProvider({ url: `smtp://tessera:wrong@127.0.0.1:${server.port}`, from: 'no-reply@tessera.test', timeoutMs: 2000 });
    expect(await wrong.send({ to: 'ada@example.com', subject: 's', text: 't' })).toMatchObject({ result: 'retry', error: expect.stringMatching(/^smtp EAUTH/) });
    wrong.close();
    const free = net.createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const port = (free.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => free.close(() => resolve()));
    const nowhere = new SmtpEmailProvider({ url: `smtp://127.0.0.1:${port}`, from: 'no-reply@tessera.test', timeoutMs: 2000 });
    expect(await nowhere.send({ to: 'ada@example.com', subject: 's', text: 't' })).toMatchObject({ result: 'retry', error: expect.stringMatching(/^smtp (ESOCKET|ECONNECTION)/) });
    nowhere.close();
  });
});
