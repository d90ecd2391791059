import { CryptoError, verifyCertificate } from '@exam/crypto';
import { ERROR_CODES, type ExamData, ProtocolError } from '@exam/protocol';

/**
 * The province named in the exam data (issue 18): its certificate must be issued by the
 * centre root the site trusts, with role 'province', or the site would seal its backups for
 * a key nobody at the province holds. Checked at import, before anything is stored.
 */
export function checkProvinceCertificate(
  trustedRootPem: string,
  province: ExamData['province'],
  at: Date,
): { provinceId: string; certPem: string } {
  let role: string;
  try {
    role = verifyCertificate(province.certPem, { trustedRootPem, at }).subject.role;
  } catch (e) {
    if (!(e instanceof CryptoError)) throw e;
    throw new ProtocolError(
      ERROR_CODES.BAD_PACKAGE,
      `The province certificate in the exam data is not issued by the centre root: ${e.message}`,
      { reason: e.code },
    );
  }
  if (role !== 'province') {
    throw new ProtocolError(
      ERROR_CODES.BAD_PACKAGE,
      `The province certificate in the exam data has role ${role}, not province: backups cannot be sealed for it.`,
    );
  }
  return { provinceId: province.provinceId, certPem: province.certPem };
}
