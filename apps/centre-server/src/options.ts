import type { ApprovalKeys, Credential } from '@exam/centre';
import type { Logger } from 'pino';

/**
 * What the receiver expects of one exam: the sites and, per site, the sittings whose answer
 * packages must come in. The centre knows this from the exam data it built (`ExamSpec`:
 * one site, its sittings); `expectedFromSpecs` in exams.ts turns specs into this.
 */
export interface ReceiverExam {
  examId: string;
  sites: { siteId: string; sittingIds: string[] }[];
  /** The exam's approval-code keys: the receiver re-checks every code used at the site. */
  approvalKeys?: ApprovalKeys;
}

export interface ReceiverOptions {
  /** The receiver's TLS credential, `issueReceiverTlsCredential`: serves HTTPS and signs receipts. */
  tls: Credential;
  /**
   * The centre root (certificate and key): the only CA clients' certificates may chain to, and
   * the key answer packages are encrypted to, so the receiver can verify them fully.
   */
  centre: Credential;
  /** The exams it receives for: a package for any other exam is refused (UNKNOWN_EXAM). */
  exams: ReceiverExam[];
  /** Partial and complete package files, and the SQLite database (the default store). */
  dataDir: string;
  /** `postgres://…`: keep uploads, packages and receipts in PostgreSQL instead of SQLite. */
  databaseUrl?: string;
  /** Default 127.0.0.1 and 0 (a free port). */
  host?: string;
  port?: number;
  /** Where receipts take their time from (default the system clock). */
  now?: () => Date;
  /** Every upload step and refusal is logged here (default silent). */
  logger?: Logger;
}

export interface RunningReceiver {
  /** `https://HOST:PORT` */
  url: string;
  port: number;
  /** Which store it keeps its records in. */
  store: 'sqlite' | 'postgres';
  close(): Promise<void>;
}
