import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PackageImporter, UploadRefusal } from '@exam/centre-server';
import { inspectPackage, sha256Hex } from '@exam/crypto';
import { type MediaManifestFile, mediaManifestSchema, type SignedReceipt } from '@exam/protocol';

/**
 * The city's upload of media exports (issue 18): each folder a site's admin filled when the
 * uplink failed holds answer packages, each with `<name>.manifest.json` beside it. Every
 * manifest is checked against its package (the bytes' hash and size, and the exam, site and
 * sitting the package names), then the package is accepted into the receiver's store by the
 * same function as an upload, and the signed receipt is written next to it as
 * `receipt-<sitting>-<hash12>.json`, the file the site's admin imports.
 */
export type MediaImportResult =
  | {
      ok: true;
      manifestPath: string;
      sittingId: string;
      receiptPath: string;
      receipt: SignedReceipt;
      alreadyReceived: boolean;
    }
  | { ok: false; manifestPath: string; code: string; message: string };

/** Why a manifest is refused before anything reaches the store. */
export class MediaRefusal extends Error {
  constructor(
    readonly code: 'NO_MANIFEST' | 'BAD_MANIFEST' | 'MISSING_PACKAGE' | 'MANIFEST_MISMATCH',
    message: string,
  ) {
    super(message);
    this.name = 'MediaRefusal';
  }
}

export const MANIFEST_SUFFIX = '.manifest.json';

export const receiptFileName = (sittingId: string, sha256: string) =>
  `receipt-${sittingId}-${sha256.slice(0, 12)}.json`;

/** Every manifest of the folders, in name order; a folder without one is a refusal of its own. */
export async function importMediaFolders(
  importer: PackageImporter,
  folders: readonly string[],
): Promise<MediaImportResult[]> {
  const results: MediaImportResult[] = [];
  for (const folder of folders) {
    const manifests =
      existsSync(folder) && statSync(folder).isDirectory()
        ? readdirSync(folder)
            .filter((f) => f.endsWith(MANIFEST_SUFFIX))
            .sort()
        : [];
    if (manifests.length === 0) {
      results.push({
        ok: false,
        manifestPath: folder,
        code: 'NO_MANIFEST',
        message: `No *${MANIFEST_SUFFIX} in ${folder}: not a media export folder.`,
      });
      continue;
    }
    for (const name of manifests) results.push(await importOne(importer, folder, name));
  }
  return results;
}

async function importOne(
  importer: PackageImporter,
  folder: string,
  name: string,
): Promise<MediaImportResult> {
  const manifestPath = join(folder, name);
  try {
    const { manifest, bytes } = readChecked(folder, manifestPath);
    const { receipt, alreadyReceived } = await importer.accept({
      siteId: manifest.siteId,
      bytes,
      sha256: manifest.sha256,
    });
    const receiptPath = join(
      folder,
      receiptFileName(receipt.receipt.sittingId, receipt.receipt.packageSha256),
    );
    writeDurably(receiptPath, `${JSON.stringify(receipt, null, 2)}\n`);
    return {
      ok: true,
      manifestPath,
      sittingId: receipt.receipt.sittingId,
      receiptPath,
      receipt,
      alreadyReceived,
    };
  } catch (e) {
    if (e instanceof MediaRefusal || e instanceof UploadRefusal) {
      return { ok: false, manifestPath, code: e.code, message: e.message };
    }
    throw e;
  }
}

/** The manifest, and the package's bytes once they are the ones it names. */
function readChecked(folder: string, manifestPath: string): { manifest: MediaManifestFile; bytes: Buffer } {
  let parsed: ReturnType<typeof mediaManifestSchema.safeParse>;
  try {
    parsed = mediaManifestSchema.safeParse(JSON.parse(readFileSync(manifestPath, 'utf8')));
  } catch {
    throw new MediaRefusal('BAD_MANIFEST', `${manifestPath} is not JSON.`);
  }
  if (!parsed.success) {
    throw new MediaRefusal(
      'BAD_MANIFEST',
      `${manifestPath} is not a media manifest: ${parsed.error.message}`,
    );
  }
  const manifest = parsed.data;
  const packagePath = join(folder, manifest.file);
  if (!existsSync(packagePath)) {
    throw new MediaRefusal(
      'MISSING_PACKAGE',
      `The package ${manifest.file} named by ${manifestPath} is not there.`,
    );
  }
  const bytes = readFileSync(packagePath);
  if (bytes.length !== manifest.size) {
    throw new MediaRefusal(
      'MANIFEST_MISMATCH',
      `${manifest.file} has ${bytes.length} bytes, the manifest says ${manifest.size}: the copy is not the one exported.`,
    );
  }
  const sha256 = sha256Hex(bytes);
  if (sha256 !== manifest.sha256) {
    throw new MediaRefusal(
      'MANIFEST_MISMATCH',
      `${manifest.file} hashes to ${sha256}, the manifest says ${manifest.sha256}: the copy is not the one exported.`,
    );
  }
  // The package's own (signed) label must say what the manifest says; the receiver then
  // verifies the signature and content in full.
  let meta: { examId?: unknown; siteId?: unknown; sittingId?: unknown } = {};
  try {
    meta = (inspectPackage(bytes).meta ?? {}) as typeof meta;
  } catch {
    // Not readable as a package: the receiver's verification refuses it with its reason.
  }
  for (const key of ['examId', 'siteId', 'sittingId'] as const) {
    if (meta[key] !== undefined && meta[key] !== manifest[key]) {
      throw new MediaRefusal(
        'MANIFEST_MISMATCH',
        `The manifest says ${key} ${manifest[key]}, the package says ${String(meta[key])}.`,
      );
    }
  }
  return { manifest, bytes };
}

/** A stick pulled out mid-write must not leave half a receipt: write aside, then rename. */
function writeDurably(path: string, text: string): void {
  const aside = `${path}.part`;
  writeFileSync(aside, text, { flush: true });
  renameSync(aside, path);
}
