import { validateSync } from 'class-validator';
import { WechatValidationException } from '../errors/wechat-validation.exception.js';
import { queryNotObjectMessage } from '../errors/messages.js';
import { isIntIn } from '../shared/validate.js';
import { MAX_OFFSET, MAX_PAGE_SIZE } from '../paging/page-walker.js';
import { BatchGetMaterialDto } from './batch-get-material.dto.js';
import { MATERIAL_TYPES, type BatchGetMaterialQuery, type MaterialType } from './material.types.js';

/**
 * Checks a batchget query before any request. Valid input takes a plain fast path; the
 * rejection itself comes from class-validator on BatchGetMaterialDto, so the messages are
 * exactly ValidationPipe's.
 */
export function assertBatchGetQuery(q: unknown): asserts q is BatchGetMaterialQuery {
  if (q !== null && typeof q === 'object') {
    const { type, offset, count } = q as Record<string, unknown>;
    if (
      MATERIAL_TYPES.includes(type as MaterialType) &&
      isIntIn(offset, 0, MAX_OFFSET) &&
      isIntIn(count, 1, MAX_PAGE_SIZE)
    ) {
      return;
    }
  }
  const dto = Object.assign(
    new BatchGetMaterialDto(),
    q !== null && typeof q === 'object' ? q : {},
  );
  const messages = validateSync(dto).flatMap((e) => Object.values(e.constraints ?? {}));
  throw new WechatValidationException(messages.length > 0 ? messages : [queryNotObjectMessage()]);
}
