import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MATERIAL_TYPES } from '../../lib/index.js';

// Swagger-only classes describing what the routes send. WeChat's snake_case is kept, and
// WeChat may add fields: clients should ignore fields they do not know.

export class WechatErrorBodyDto {
  @ApiProperty({ example: 404, description: 'HTTP status, also in the status line' })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found', description: 'HTTP status text' })
  error!: string;

  @ApiProperty({
    example: 'WeChat API error 40007 on /cgi-bin/material/batchget_material: invalid media_id',
  })
  message!: string;

  @ApiPropertyOptional({
    example: 40007,
    description: "WeChat's errcode; absent for transport failures (timeout, HTML 502 page)",
  })
  errcode?: number;

  @ApiPropertyOptional({
    example: '6650a8f1-3c1e2b7a-5d4f9e10',
    description: 'Request id from the errmsg: quote it to WeChat support',
  })
  rid?: string;
}

export class ValidationErrorBodyDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty({
    type: [String],
    description: 'One entry per failed constraint (ValidationPipe format)',
    example: ['count must not be greater than 20'],
  })
  message!: string[];
}

export class FileMaterialItemDto {
  @ApiProperty({ example: 'Rk9vQ0Y1bXhqR2N0dW1qS2ZyR3Z2a2V4a2p0b2tp' })
  media_id!: string;

  @ApiProperty({ example: 'CropImage' })
  name!: string;

  @ApiProperty({ example: 1718090000, description: 'Unix seconds' })
  update_time!: number;

  @ApiPropertyOptional({
    example: 'http://mmbiz.qpic.cn/mmbiz_png/abc/0?wx_fmt=png',
    description: 'Video and voice items may have none',
  })
  url?: string;
}

export class FileMaterialPageDto {
  @ApiProperty({ example: 4 })
  total_count!: number;

  @ApiProperty({ example: 1 })
  item_count!: number;

  @ApiProperty({ type: [FileMaterialItemDto] })
  item!: FileMaterialItemDto[];
}

export class NewsArticleDto {
  @ApiProperty() title!: string;
  @ApiProperty() author!: string;
  @ApiProperty() digest!: string;
  @ApiProperty({ description: 'Article HTML' }) content!: string;
  @ApiProperty() content_source_url!: string;
  @ApiProperty() thumb_media_id!: string;
  @ApiProperty({ enum: [0, 1] }) show_cover_pic!: number;
  @ApiProperty() url!: string;
  @ApiProperty() thumb_url!: string;
  @ApiPropertyOptional({ enum: [0, 1], description: 'Absent on articles from before 2017' })
  need_open_comment?: number;
  @ApiPropertyOptional({ enum: [0, 1] }) only_fans_can_comment?: number;
}

export class NewsContentDto {
  @ApiProperty({ type: [NewsArticleDto] }) news_item!: NewsArticleDto[];
  @ApiPropertyOptional() create_time?: number;
  @ApiPropertyOptional() update_time?: number;
}

export class NewsMaterialItemDto {
  @ApiProperty() media_id!: string;
  @ApiProperty({ description: 'Unix seconds' }) update_time!: number;
  @ApiProperty({ type: NewsContentDto }) content!: NewsContentDto;
}

export class NewsMaterialPageDto {
  @ApiProperty({ example: 2 }) total_count!: number;
  @ApiProperty({ example: 1 }) item_count!: number;
  @ApiProperty({ type: [NewsMaterialItemDto] }) item!: NewsMaterialItemDto[];
}

export class MaterialCountDto {
  @ApiProperty({ example: 2 }) voice_count!: number;
  @ApiProperty({ example: 2 }) video_count!: number;
  @ApiProperty({ example: 4 }) image_count!: number;
  @ApiProperty({ example: 2 }) news_count!: number;
}

/** Documents the `type` of a list query or an export path. */
export const MATERIAL_TYPE_SCHEMA = { type: 'string', enum: [...MATERIAL_TYPES] };
