import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';

/**
 * The query of a draft or publication listing: offset, count (1..20), no_content (0 or 1).
 * Listed bottom-up, the order stacked decorators apply in, so the document is unchanged.
 */
export function ApiPageQuery() {
  return applyDecorators(
    ApiQuery({ name: 'no_content', required: false, schema: { type: 'integer', enum: [0, 1] } }),
    ApiQuery({ name: 'count', schema: { type: 'integer', minimum: 1, maximum: 20, example: 20 } }),
    ApiQuery({ name: 'offset', schema: { type: 'integer', minimum: 0, example: 0 } }),
  );
}
