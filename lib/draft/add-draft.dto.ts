import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import {
  ARTICLE_TYPE_OPTIONS,
  NewsDraftArticleDto,
  type NewspicDraftArticleDto,
} from './draft-article.dto.js';

/** Body of `draft/add`: 1..8 articles, each validated by its `article_type`. */
export class AddDraftDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(8)
  @ValidateNested({ each: true })
  // The function's return is the fallback for an article without article_type: news.
  @Type(() => NewsDraftArticleDto, ARTICLE_TYPE_OPTIONS)
  articles!: (NewsDraftArticleDto | NewspicDraftArticleDto)[];
}
