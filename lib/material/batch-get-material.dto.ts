import { Type } from 'class-transformer';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { MATERIAL_TYPES, type MaterialType } from './material.types.js';

/** WeChat's offset is a 32-bit int; a larger number would be serialised as `1e+21` and rejected. */
export const MAX_OFFSET = 2_147_483_647;

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
