import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsObject, IsString, Min, ValidateNested } from 'class-validator';
import {
  ARTICLE_TYPE_OPTIONS,
  NewsDraftArticleDto,
  type NewspicDraftArticleDto,
} from './draft-article.dto.js';

/** Body of `draft/update`, as WeChat names it: `articles` is ONE article, not an array. */
export class UpdateDraftDto {
  @IsString()
  @IsNotEmpty()
  media_id!: string;

  /** 0-based position of the article in the draft. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  index!: number;

  @IsObject()
  @ValidateNested()
  @Type(() => NewsDraftArticleDto, ARTICLE_TYPE_OPTIONS)
  articles!: NewsDraftArticleDto | NewspicDraftArticleDto;
}
