import nodemailer, { type NodemailerError, type Transporter } from 'nodemailer';
import { errorText, type EmailProvider, type OutgoingEmail, type SendOutcome } from './providers.ts';

/**
 * E-mail (KYC results) over SMTP with nodemailer. The server is one URL:
 * `smtps://user:password@host:465` (TLS from the first byte) or
 * `smtp://user:password@host:587` (STARTTLS when the server offers it; add
 * `?requireTLS=true` to refuse a server that does not).
 */
export interface SmtpOptions {
  url: string;
  /** The sender, e.g. `Tessera <no-reply@example.com>`. */
  from: string;
  timeoutMs?: number;
}

/** Why 15 s: connecting, the greeting and each command; an SMTP relay that takes longer is down, and the message is retried. */
export const SMTP_TIMEOUT_MS = 15_000;

export class SmtpEmailProvider implements EmailProvider {
  readonly name = 'smtp';
  readonly #transport: Transporter;

  constructor(options: SmtpOptions) {
    const timeout = options.timeoutMs ?? SMTP_TIMEOUT_MS;
    this.#transport = nodemailer.createTransport(
      // nodemailer's own logger stays off: it would print the message.
      { url: options.url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout, logger: false, debug: false },
      { from: options.from },
    );
  }

  async send(message: OutgoingEmail): Promise<SendOutcome> {
    try {
      const info = await this.#transport.sendMail({
        to: message.to, subject: message.subject, text: message.text,
        // The message is plain text we wrote: nothing in it may make nodemailer read a file or fetch a URL.
        disableFileAccess: true, disableUrlAccess: true,
      });
      return { result: 'sent', providerMessageId: typeof info.messageId === 'string' ? info.messageId : null };
    } catch (err) {
      const e = err as NodemailerError;
      // The server's reply names the problem (e.g. "550 mailbox unavailable"); never the message, which it does not echo.
      const detail = errorText(`smtp ${e.code ?? 'error'}${e.responseCode ? ` ${e.responseCode}` : ''}${e.response ? `: ${e.response}` : ''}`);
      // Refused credentials are the operator's to fix, as with any provider: the message waits for the fix.
      if (e.code === 'EAUTH' || e.code === 'ENOAUTH') return { result: 'retry', error: `${detail} (check the credentials in TESSERA_SMTP_URL)` };
      return e.permanent ? { result: 'rejected', error: detail } : { result: 'retry', error: detail };
    }
  }

  close(): void {
    this.#transport.close();
  }
}
