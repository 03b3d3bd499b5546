import { DomainError } from '../lib/errors.ts';

/** Why 5 MiB: a phone photo of a document fits easily; more is not a document scan. */
export const KYC_IMAGE_BYTES_MAX = 5 * 1024 * 1024;

export type ImageType = 'image/jpeg' | 'image/png';

export interface DecodedImage {
  contentType: ImageType;
  bytes: Buffer;
}

const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function sniff(bytes: Buffer): ImageType | null {
  if (bytes.subarray(0, 3).equals(JPEG)) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(PNG)) return 'image/png';
  return null;
}

/**
 * Accept base64 or a `data:image/jpeg|png;base64,` URL, and keep the image
 * only if the decoded bytes really are a JPEG or PNG (magic bytes), of the
 * declared type, and at most 5 MiB. The message never echoes the content.
 */
export function decodeImage(text: string, param: string): DecodedImage {
  let declared: ImageType | null = null;
  let payload = text;
  const dataUrl = /^data:([a-z/+.-]+);base64,/i.exec(text);
  if (dataUrl) {
    const t = dataUrl[1]!.toLowerCase();
    if (t !== 'image/jpeg' && t !== 'image/jpg' && t !== 'image/png') {
      throw new DomainError('parameter_invalid', `\`${param}\` must be a JPEG or PNG image.`, param);
    }
    declared = t === 'image/png' ? 'image/png' : 'image/jpeg';
    payload = text.slice(dataUrl[0].length);
  }
  const compact = payload.replace(/\s+/g, '');
  if (compact.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 === 1) {
    throw new DomainError('parameter_invalid', `\`${param}\` must be base64 or a data:image/…;base64, URL.`, param);
  }
  if ((compact.length * 3) / 4 > KYC_IMAGE_BYTES_MAX + 3) {
    throw new DomainError('parameter_invalid', `\`${param}\` is larger than ${KYC_IMAGE_BYTES_MAX / 1024 / 1024} MiB.`, param);
  }
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length > KYC_IMAGE_BYTES_MAX) {
    throw new DomainError('parameter_invalid', `\`${param}\` is larger than ${KYC_IMAGE_BYTES_MAX / 1024 / 1024} MiB.`, param);
  }
  const actual = sniff(bytes);
  if (!actual) throw new DomainError('parameter_invalid', `\`${param}\` is not a JPEG or PNG image.`, param);
  if (declared && declared !== actual) {
    throw new DomainError('parameter_invalid', `\`${param}\` says ${declared} but holds ${actual}.`, param);
  }
  return { contentType: actual, bytes };
}
