import { IsIn } from 'class-validator';
import { MATERIAL_TYPES, type MaterialType } from '../../lib/index.js';

/** Path parameters of `GET /materials/:type/export`. */
export class ExportParamsDto {
  @IsIn(MATERIAL_TYPES as MaterialType[])
  type!: MaterialType;
}
