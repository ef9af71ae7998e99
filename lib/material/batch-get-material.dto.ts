import { Type } from 'class-transformer';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { MAX_OFFSET } from '../paging/page-walker.js';
import { MATERIAL_TYPES, type MaterialType } from './material.types.js';

/**
 * Query of `batchget_material`. Works on query strings with
 * `new ValidationPipe({ transform: true })`.
 */
export class BatchGetMaterialDto {
  @IsIn(MATERIAL_TYPES as MaterialType[])
  type!: MaterialType;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET)
  offset!: number;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  count!: number;
}
