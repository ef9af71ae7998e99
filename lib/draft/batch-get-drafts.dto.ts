import { Type } from 'class-transformer';
import { IsIn, IsInt, Max, Min, ValidateIf } from 'class-validator';
import { MAX_OFFSET, MAX_PAGE_SIZE } from '../paging/page-walker.js';

/**
 * Query of `draft/batchget` (and, as BatchGetPublishedDto, `freepublish/batchget`): offset and
 * count as for batchget_material, `no_content` 0 or 1. Works on query strings with
 * `new ValidationPipe({ transform: true })`.
 */
export class BatchGetDraftsDto {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET)
  offset!: number;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  count!: number;

  /** 1: leave out the article content (lighter pages). */
  @ValidateIf((_object: object, value: unknown) => value !== undefined)
  @Type(() => Number)
  @IsIn([0, 1])
  no_content?: 0 | 1;
}
