import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsString,
  Matches,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { articleTypeMessage, cropMessage } from '../errors/messages.js';

/** WeChat's 0/1 flags; only undefined skips the check, so `null` is not sent on. */
const OPTIONAL = ValidateIf((_object: object, value: unknown) => value !== undefined);

/** One number of a crop string: 0..1 written as a decimal (`0`, `0.1945`, `1`, `1.0`). */
const CROP_NUMBER = String.raw`(?:0(?:\.\d+)?|1(?:\.0+)?)`;
/** `X1_Y1_X2_Y2` (WeChat's format for pic_crop_235_1 and pic_crop_1_1). */
export const CROP_PATTERN = new RegExp(`^${CROP_NUMBER}(?:_${CROP_NUMBER}){3}$`);

const flag = (): PropertyDecorator => {
  const decorate = IsIn([0, 1]);
  return (target, key) => {
    OPTIONAL(target, key);
    decorate(target, key);
  };
};

const crop = (): PropertyDecorator => {
  const opts: ValidationOptions = { message: (a) => cropMessage(a.property) };
  const decorate = Matches(CROP_PATTERN, opts);
  return (target, key) => {
    OPTIONAL(target, key);
    decorate(target, key);
  };
};

/** Fields every draft article has, whatever its `article_type`. */
export class DraftArticleDto {
  @IsString()
  @IsNotEmpty()
  title!: string;

  /** HTML for news, plain text for newspic. Its length is WeChat's to judge. */
  @IsString()
  content!: string;

  @flag()
  need_open_comment?: 0 | 1;

  @flag()
  only_fans_can_comment?: 0 | 1;
}

/** A news article (图文); also what an article without `article_type` is. */
export class NewsDraftArticleDto extends DraftArticleDto {
  /** Absent or `news`; any other value lands here too (see ARTICLE_TYPE_OPTIONS) and fails. */
  @OPTIONAL
  @IsIn(['news'], { message: (a) => articleTypeMessage(a.property) })
  article_type?: 'news';

  @OPTIONAL
  @IsString()
  author?: string;

  @OPTIONAL
  @IsString()
  digest?: string;

  @OPTIONAL
  @IsString()
  content_source_url?: string;

  /** A permanent image media_id (thumbs included). */
  @IsString()
  @IsNotEmpty()
  thumb_media_id!: string;

  @crop()
  pic_crop_235_1?: string;

  @crop()
  pic_crop_1_1?: string;
}

export class DraftImageDto {
  /** A permanent image media_id (thumbs included). */
  @IsString()
  @IsNotEmpty()
  image_media_id!: string;
}

export class DraftImageInfoDto {
  /** 1..20 images; the first is the cover. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => DraftImageDto)
  image_list!: DraftImageDto[];
}

/** An image post (图片消息): plain-text content and 1..20 images. */
export class NewspicDraftArticleDto extends DraftArticleDto {
  @IsIn(['newspic'], { message: (a) => articleTypeMessage(a.property) })
  article_type!: 'newspic';

  @IsObject()
  @ValidateNested()
  @Type(() => DraftImageInfoDto)
  image_info!: DraftImageInfoDto;

  /** Passed through as given (kept by `whitelist: true`). */
  @Allow()
  cover_info?: unknown;

  /** Passed through as given (kept by `whitelist: true`). */
  @Allow()
  product_info?: unknown;
}

/**
 * class-transformer reads the discriminator of each array element without a null check, so
 * `articles: [null]` would throw a TypeError (a 500 behind ValidationPipe). Its lookup goes
 * through `subTypes.find`: this one treats an element it cannot read as matching no subtype,
 * the fallback class is used, and class-validator then reports the element (a 400).
 */
function nullSafeSubTypes<T>(subTypes: T[]): T[] {
  Object.defineProperty(subTypes, 'find', {
    value(predicate: (value: T, index: number, array: T[]) => unknown): T | undefined {
      return Array.prototype.find.call(this, (value: T, index: number, array: T[]) => {
        try {
          return predicate(value, index, array);
        } catch {
          return false;
        }
      }) as T | undefined;
    },
  });
  return subTypes;
}

/**
 * class-transformer's discriminator for one article: `article_type` picks the class, and an
 * article without it (or with an unknown one) falls back to NewsDraftArticleDto, whose check
 * then names `article_type`. The property is kept: nothing is added to or removed from it.
 */
export const ARTICLE_TYPE_OPTIONS = {
  discriminator: {
    property: 'article_type',
    subTypes: nullSafeSubTypes([
      { value: NewsDraftArticleDto, name: 'news' },
      { value: NewspicDraftArticleDto, name: 'newspic' },
    ]),
  },
  keepDiscriminatorProperty: true,
};
