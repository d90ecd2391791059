import type { SignedReceipt } from '@exam/protocol';

/**
 * What the receiver keeps, behind one interface with two backends: SQLite in the data dir by
 * default (one machine, the demo) and PostgreSQL when given a URL (every site in the country).
 * The package bytes are files under the data dir either way; the store holds what names them.
 */

/** An upload in progress, keyed by the client's site and the bytes' hash. */
export interface UploadRecord {
  uploadId: string;
  siteId: string;
  sha256: string;
  size: number;
  fileName: string;
  /** Bytes stored (fsync'd) so far: the next chunk must start here. */
  offset: number;
  createdAt: string;
}

/** One received package of one sitting: a version, its file and its signed receipt. */
export interface PackageRecord {
  receiptId: string;
  examId: string;
  siteId: string;
  sittingId: string;
  sha256: string;
  size: number;
  version: number;
  flagged: boolean;
  final: boolean;
  receivedAt: string;
  /** The file's name under the data dir's packages folder. */
  file: string;
  signed: SignedReceipt;
}

/** What the receiver knows of a verified package before the store numbers its version. */
export interface NewPackage {
  examId: string;
  siteId: string;
  sittingId: string;
  sha256: string;
  size: number;
  file: string;
}

export interface ReceiverStore {
  readonly kind: 'sqlite' | 'postgres';
  /** The upload of these bytes from this site: the one already open, or a new one at offset 0. */
  openUpload(u: Omit<UploadRecord, 'offset' | 'createdAt'>, now: Date): Promise<UploadRecord>;
  getUpload(uploadId: string): Promise<UploadRecord | null>;
  /**
   * Records the bytes stored so far. Called only after the chunk's file write is fsync'd, so
   * the recorded offset never runs ahead of the bytes on disk; the commit itself is not
   * fsync'd (one fsync fewer per chunk): after a power cut the offset can only be lower than
   * what is on disk, and the site sends those bytes again.
   */
  setOffset(uploadId: string, offset: number): Promise<void>;
  /** Forgets an upload (a refused package: nothing of it is kept). */
  dropUpload(uploadId: string): Promise<void>;
  /** The package these bytes from this site became, if they were received. */
  packageBySha(siteId: string, sha256: string): Promise<PackageRecord | null>;
  /**
   * Stores a verified package in one transaction: the same bytes again return the package
   * already stored; otherwise it becomes the sitting's next version (1, 2…), every version
   * after the first flagged, and `receipt` signs what the store decided. The upload is closed.
   */
  addPackage(
    p: NewPackage,
    uploadId: string,
    receipt: (decided: { version: number; flagged: boolean }) => Omit<PackageRecord, keyof NewPackage>,
  ): Promise<PackageRecord>;
  /** Every package received for an exam, in the order received. */
  packagesOfExam(examId: string): Promise<PackageRecord[]>;
  close(): Promise<void>;
}
