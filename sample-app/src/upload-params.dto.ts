import { IsIn } from 'class-validator';
import { UPLOAD_LIMITS, type UploadType } from '../../lib/index.js';

/** `image`, `voice`, `video`, `thumb`: what WeChat takes as an upload. */
export const UPLOAD_TYPES = Object.keys(UPLOAD_LIMITS.permanent) as UploadType[];

/** Path parameters of `POST /materials/:type` and `POST /temporary-materials/:type`. */
export class UploadParamsDto {
  // Checked before the body is read, so a bad type costs neither the upload nor a WeChat call.
  @IsIn(UPLOAD_TYPES)
  type!: UploadType;
}
