import nodemailer from 'nodemailer';

/** One message as the sender hands it over: plain UTF-8 text to one address. */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  /** `<id@host>`: the same for every attempt of one message, so a repeat is recognisable */
  messageId: string;
}

/** Where messages go; the SMTP one in production, a wrapper of it in tests. */
export interface MailTransport {
  /** Resolves once the server has accepted the message; rejects with the server's error otherwise. */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** Bounds on one SMTP conversation, so a silent server cannot hold a message past its lease. */
const TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

/**
 * Sends through the server of SMTP_URL (smtp:// upgrades with STARTTLS when offered, smtps:// is TLS from
 * the start), over one connection kept open between messages (at most 100 messages on it) rather than a
 * connection and a handshake per message.
 */
export function smtpTransport(smtpUrl: string): MailTransport {
  const transporter = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: 1, maxMessages: 100, ...TIMEOUTS });
  return {
    async send(mail) {
      await transporter.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, messageId: mail.messageId });
    },
    close() {
      transporter.close();
    },
  };
}

/** A refusal the server means for good (a 5xx reply: no such mailbox, relaying denied): trying again will not help. */
export function isPermanentFailure(err: unknown): boolean {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
