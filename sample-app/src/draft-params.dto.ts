import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Min } from 'class-validator';

/** Path of `PUT /drafts/:mediaId/articles/:index`: the draft and a 0-based position in it. */
export class DraftArticleParamsDto {
  @IsString()
  @IsNotEmpty()
  mediaId!: string;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  index!: number;
}

/** Query of `DELETE /publications/:articleId`: a 1-based article number, or none for all. */
export class DeletePublicationQueryDto {
  // 0 is refused: WeChat reads it as "the whole set", which omitting `index` already says.
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  index?: number;
}
