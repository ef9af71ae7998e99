/** What WeChat accepts as an upload: the file kinds of add_material and media/upload. */
export type UploadType = 'image' | 'voice' | 'video' | 'thumb';

/** `['image', 'voice', 'video', 'thumb']` */
export const UPLOAD_TYPES: readonly UploadType[] = Object.freeze([
  'image',
  'voice',
  'video',
  'thumb',
]);

/** Largest size (bytes, inclusive) and allowed extensions (lower case, no dot) of one kind. */
export interface UploadLimit {
  readonly maxBytes: number;
  readonly extensions: readonly string[];
}

const KB = 1024;
const MB = 1024 * KB;

const limit = (maxBytes: number, extensions: string[]): UploadLimit =>
  Object.freeze({ maxBytes, extensions: Object.freeze(extensions) });

/**
 * WeChat's documented limits, checked before any request so a file WeChat would refuse
 * (40005/40009/45001) never costs an upload or quota. Where WeChat's pages contradict
 * themselves (temporary images: 2 MB and 10 MB) the larger is checked and WeChat judges the rest.
 */
export const UPLOAD_LIMITS: {
  readonly permanent: Readonly<Record<UploadType, UploadLimit>>;
  readonly temporary: Readonly<Record<UploadType, UploadLimit>>;
  readonly articleImage: UploadLimit;
} = Object.freeze({
  permanent: Object.freeze({
    image: limit(10 * MB, ['bmp', 'png', 'jpeg', 'jpg', 'gif']),
    voice: limit(2 * MB, ['mp3', 'wma', 'wav', 'amr']),
    video: limit(10 * MB, ['mp4']),
    thumb: limit(64 * KB, ['jpg', 'jpeg']),
  }),
  temporary: Object.freeze({
    image: limit(10 * MB, ['png', 'jpeg', 'jpg', 'gif']),
    voice: limit(2 * MB, ['amr', 'mp3']),
    video: limit(10 * MB, ['mp4']),
    thumb: limit(64 * KB, ['jpg', 'jpeg']),
  }),
  articleImage: limit(1 * MB, ['jpg', 'jpeg', 'png']),
});

/** Content type sent for a file part when the caller gives none, by extension. */
export const DEFAULT_CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  bmp: 'image/bmp',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  mp3: 'audio/mpeg',
  wma: 'audio/x-ms-wma',
  wav: 'audio/wav',
  amr: 'audio/amr',
  mp4: 'video/mp4',
});

/** The extension WeChat judges a file by: after the last dot, lower case; '' when none. */
export function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot < 0 ? '' : filename.slice(dot + 1).toLowerCase();
}
