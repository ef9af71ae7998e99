import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NewsArticleDto } from './api-schemas.dto.js';
import { FILE_FIELD } from './multipart-upload.js';

// Swagger-only classes for the media routes (uploads and the JSON answers of downloads).

export class AddMaterialResultDto {
  @ApiProperty({ example: 'Rk9vQ0Y1bXhqR2N0dW1qS2ZyR3Z2a2V4a2p0b2tp' })
  media_id!: string;

  @ApiPropertyOptional({
    example: 'http://mmbiz.qpic.cn/mmbiz_png/abc/0?wx_fmt=png',
    description: 'Images only',
  })
  url?: string;
}

export class ArticleImageResultDto {
  @ApiProperty({
    example: 'http://mmbiz.qpic.cn/mmbiz_jpg/abc/0',
    description: 'The only kind of image URL WeChat allows inside article content',
  })
  url!: string;
}

export class TemporaryMaterialResultDto {
  @ApiProperty({ example: 'image' }) type!: string;
  @ApiProperty({ description: 'Valid for 3 days' }) media_id!: string;
  @ApiProperty({ example: 1718090000, description: 'Unix seconds' }) created_at!: number;
  @ApiPropertyOptional({ description: 'type=thumb only (media_id holds the same id)' })
  thumb_media_id?: string;
}

export class NewsMaterialContentDto {
  @ApiProperty({ enum: ['news'] }) kind!: 'news';
  @ApiProperty({ type: [NewsArticleDto] }) news_item!: NewsArticleDto[];
}

export class VideoMaterialContentDto {
  @ApiProperty({ enum: ['video'] }) kind!: 'video';
  @ApiProperty({ example: '品牌宣传片' }) title!: string;
  @ApiProperty({ example: '2024 年品牌宣传片' }) description!: string;
  @ApiProperty({ description: 'Where the video file itself can be downloaded' })
  down_url!: string;
}

export class TemporaryVideoContentDto {
  @ApiProperty({ enum: ['video'] }) kind!: 'video';
  @ApiProperty({ description: 'Where the video file itself can be downloaded' })
  video_url!: string;
}

const binary = { type: 'string', format: 'binary' };

/** The multipart body of an upload: fields first, then the file. */
export function uploadFormSchema(withVideoFields: boolean): object {
  const file = {
    [FILE_FIELD]: {
      ...binary,
      description:
        'The file, with a filename whose extension fits the type (jpg, png, mp3, mp4…). ' +
        'Last part of the form: fields after it are not read.',
    },
  };
  if (!withVideoFields) return { type: 'object', required: [FILE_FIELD], properties: file };
  return {
    type: 'object',
    required: [FILE_FIELD],
    properties: {
      title: {
        type: 'string',
        example: '品牌宣传片',
        description: 'type=video: required, before `media`',
      },
      introduction: {
        type: 'string',
        example: '2024 年品牌宣传片',
        description: 'type=video: required, before `media`',
      },
      ...file,
    },
  };
}

/** The `content` of a download's 200 answer: the file as WeChat sent it, or JSON. */
export function downloadContent(json: object): Record<string, { schema: object }> {
  return {
    'application/octet-stream': { schema: binary },
    'image/*': { schema: binary },
    'audio/*': { schema: binary },
    'video/*': { schema: binary },
    'application/json': { schema: json },
  };
}

/** Headers of a file answer. */
export const DOWNLOAD_HEADERS = {
  'Content-Disposition': {
    description:
      'attachment; filename="…" and, for a non-ASCII name, filename*=UTF-8\'\'… (RFC 6266)',
    schema: { type: 'string' },
  },
  'Content-Length': {
    description: 'When WeChat sent one',
    schema: { type: 'integer' },
  },
};
