import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// Swagger-only classes for the draft and publishing routes. The bodies are checked by the
// library's own DTOs (AddDraftDto, NewsDraftArticleDto, NewspicDraftArticleDto), which carry
// no Swagger metadata; these describe the same fields. Ids are strings, always.

const FLAG = { enum: [0, 1], description: '0 or 1' };
const CROP = {
  example: '0_0_1_0.5',
  description: 'X1_Y1_X2_Y2: four decimals in 0..1 joined by `_`',
};

export class NewsDraftArticleBodyDto {
  @ApiPropertyOptional({ enum: ['news'], description: 'Absent means news' })
  article_type?: 'news';
  @ApiProperty({ example: '春季新品发布' }) title!: string;
  @ApiPropertyOptional({ example: '小编' }) author?: string;
  @ApiPropertyOptional({ example: '三款新品今天上市' }) digest?: string;
  @ApiProperty({
    example: '<p>新品上市</p><img src="http://mmbiz.qpic.cn/mmbiz_jpg/abc/0">',
    description: 'HTML; images must be URLs from POST /materials/article-images',
  })
  content!: string;
  @ApiPropertyOptional({ example: 'https://example.com/spring' }) content_source_url?: string;
  @ApiProperty({ description: 'A permanent image or thumb media_id (the cover)' })
  thumb_media_id!: string;
  @ApiPropertyOptional(FLAG) need_open_comment?: number;
  @ApiPropertyOptional(FLAG) only_fans_can_comment?: number;
  @ApiPropertyOptional(CROP) pic_crop_235_1?: string;
  @ApiPropertyOptional(CROP) pic_crop_1_1?: string;
}

export class DraftImageBodyDto {
  @ApiProperty({ description: 'A permanent image or thumb media_id' }) image_media_id!: string;
}

export class DraftImageInfoBodyDto {
  @ApiProperty({
    type: [DraftImageBodyDto],
    minItems: 1,
    maxItems: 20,
    description: 'The first is the cover',
  })
  image_list!: DraftImageBodyDto[];
}

export class NewspicDraftArticleBodyDto {
  @ApiProperty({ enum: ['newspic'] }) article_type!: 'newspic';
  @ApiProperty({ example: '春日上新' }) title!: string;
  @ApiProperty({ example: '三款新品，今天上市', description: 'Plain text' }) content!: string;
  @ApiProperty({ type: DraftImageInfoBodyDto }) image_info!: DraftImageInfoBodyDto;
  @ApiPropertyOptional(FLAG) need_open_comment?: number;
  @ApiPropertyOptional(FLAG) only_fans_can_comment?: number;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Passed through as given',
  })
  cover_info?: object;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Passed through as given',
  })
  product_info?: object;
}

/** One article of either kind, picked by `article_type`. */
export const DRAFT_ARTICLE_SCHEMA = {
  oneOf: [
    { $ref: '#/components/schemas/NewsDraftArticleBodyDto' },
    { $ref: '#/components/schemas/NewspicDraftArticleBodyDto' },
  ],
  discriminator: { propertyName: 'article_type' },
};

export class AddDraftBodyDto {
  @ApiProperty({ type: 'array', minItems: 1, maxItems: 8, items: DRAFT_ARTICLE_SCHEMA })
  articles!: object[];
}

export class DraftMediaIdDto {
  @ApiProperty({ example: 'Hq3kP2x0dJ5wYlVbN8cR1tAZmEo7uFsGiK4nWqTzXyB' }) media_id!: string;
}

export class DraftContentDto {
  @ApiProperty({
    type: 'array',
    items: DRAFT_ARTICLE_SCHEMA,
    description: 'The articles, each with the `url` (preview) and `thumb_url` WeChat adds',
  })
  news_item!: object[];
}

export class DraftItemDto {
  @ApiProperty() media_id!: string;
  @ApiProperty({ description: 'Unix seconds' }) update_time!: number;
  @ApiProperty({ type: DraftContentDto }) content!: DraftContentDto;
}

export class DraftPageDto {
  @ApiProperty({ example: 3 }) total_count!: number;
  @ApiProperty({ example: 1 }) item_count!: number;
  @ApiProperty({ type: [DraftItemDto] }) item!: DraftItemDto[];
}

const BIG_ID = 'A string even where WeChat sends a JSON number (it can exceed 2^53)';

export class PublishJobDto {
  @ApiProperty({ example: '9007199254740995', description: BIG_ID }) publish_id!: string;
  @ApiPropertyOptional({ example: '2247483650', description: BIG_ID }) msg_data_id?: string;
}

export class PublishArticleDetailDto {
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({
    type: 'array',
    items: {
      type: 'object',
      properties: { idx: { type: 'integer' }, article_url: { type: 'string' } },
    },
  })
  item!: { idx: number; article_url: string }[];
}

export class PublishStatusDto {
  @ApiProperty({ description: BIG_ID }) publish_id!: string;
  @ApiProperty({ enum: [0, 1, 2, 3, 4, 5, 6] }) publish_status!: number;
  @ApiProperty({
    enum: [
      'success',
      'publishing',
      'original_failed',
      'failed',
      'rejected',
      'deleted_by_user',
      'banned',
    ],
    description: 'publish_status named; `publishing` is the only state that still changes',
  })
  state!: string;
  @ApiPropertyOptional({ description: 'On success: the publication (GET /publications/:id)' })
  article_id?: string;
  @ApiPropertyOptional({ type: PublishArticleDetailDto }) article_detail?: PublishArticleDetailDto;
  @ApiPropertyOptional({
    type: [Number],
    description: '1-based numbers of the articles that failed (failure states)',
  })
  fail_idx?: number[];
}

export class PublishedContentDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description: 'The draft articles plus `url`, `thumb_url` and `is_deleted`',
  })
  news_item!: object[];
}

export class PublishedItemDto {
  @ApiProperty({ description: BIG_ID }) article_id!: string;
  @ApiProperty({ description: 'Unix seconds' }) update_time!: number;
  @ApiProperty({ type: PublishedContentDto }) content!: PublishedContentDto;
}

export class PublishedPageDto {
  @ApiProperty({ example: 1 }) total_count!: number;
  @ApiProperty({ example: 1 }) item_count!: number;
  @ApiProperty({ type: [PublishedItemDto] }) item!: PublishedItemDto[];
}
