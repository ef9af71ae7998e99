import { BatchGetDraftsDto } from '../draft/batch-get-drafts.dto.js';

/**
 * Query of `freepublish/batchget`: offset and count as for batchget_material, `no_content`
 * 0 or 1. Works on query strings with `new ValidationPipe({ transform: true })`.
 */
export class BatchGetPublishedDto extends BatchGetDraftsDto {}
