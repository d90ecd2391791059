// The one crypto interface for the platform (ARCHITECTURE §10): node-forge for X.509,
// chains and PKCS#12; Node's crypto for everything else. Callers never see which.
export {
  aesGcmDecrypt,
  aesGcmEncrypt,
  openFromString,
  randomKey,
  type Sealed,
  sealToString,
} from './aead.js';
export {
  type ApprovalParams,
  issueApprovalCode,
  normaliseApprovalCode,
  verifyApprovalCode,
} from './approvalCodes.js';
export { canonicalJson } from './canonicalJson.js';
export {
  certificateFingerprint,
  createRootCertificate,
  issueCertificate,
  type VerifiedCertificate,
  verifyCertificate,
} from './certificates.js';
export { CERT_ROLES, type CertRole, type CertSubject } from './certSubject.js';
export { CODE_WRAPPED_KEY_BYTES, unwrapKeyWithCode, wrapKeyWithCode } from './codeWrap.js';
export {
  decryptPackageV2,
  inspectPackage,
  type OpenedPackage,
  type PackageRecipient,
  type PackageSigner,
  type PackageSignerKey,
  readPackage,
  type VerifiedPackageV2,
  verifyPackageV2,
  writePackage,
  writePackageV2,
} from './container.js';
export {
  CRYPTO_ERROR_CODES,
  CryptoError,
  type CryptoErrorCode,
  PACKAGE_ERROR_CODES,
  PackageError,
  type PackageErrorCode,
} from './errors.js';
export { MAX_MANIFEST_BYTES } from './framing.js';
export { constantTimeEqual, hmacSha256, sha256, sha256Hex } from './hash.js';
export { type ChainLink, type ChainVerdict, chainHash, GENESIS_HASH, verifyHashChain } from './hashChain.js';
export { generateKeyPair, type KeyPair } from './keys.js';
export {
  generateMachineKeyPair,
  loadMachineSigningKey,
  type MachineKeyPair,
  type MachineSigningKey,
  machineFingerprint,
  machinePublicKeyOf,
  signMachineProof,
  verifyMachineProof,
} from './machineKeys.js';
export {
  type AnyPackageManifest,
  type KeyWrap,
  type ManifestSigner,
  PACKAGE_KINDS,
  type PackageKind,
  type PackageManifest,
  type PackageManifestV2,
} from './manifest.js';
export { fromPkcs12, toPkcs12 } from './pkcs12.js';
export { sign, verifySignature } from './signatures.js';
export {
  checkSiteServerIdentity,
  isServerIdentityFailure,
  readSiteTrust,
  SERVER_IDENTITY,
  SITE_SERVER_ROLE,
  type SiteTrust,
  siteTlsClientOptions,
  siteTlsHostName,
} from './siteTls.js';
export { TLS_BINDING_BYTES, TlsBindingAgent, tlsBinding } from './tlsBinding.js';
export { unwrapKey, wrapKey } from './wrap.js';
