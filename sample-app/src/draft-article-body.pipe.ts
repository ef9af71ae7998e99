import {
  BadRequestException,
  Injectable,
  type PipeTransform,
  ValidationPipe,
  type ValidationPipeOptions,
} from '@nestjs/common';
import { type DraftArticle, NewsDraftArticleDto, NewspicDraftArticleDto } from '../../lib/index.js';

/** The app's global ValidationPipe options (create-app.ts); the article pipe uses the same. */
export const VALIDATION_OPTIONS: ValidationPipeOptions = { transform: true, whitelist: true };

/**
 * A body that is ONE draft article (`PUT /drafts/:mediaId/articles/:index`). ValidationPipe
 * needs one class, and the class depends on `article_type`: picked here as AddDraftDto's
 * discriminator picks it (absent or unknown → NewsDraftArticleDto, whose check then names
 * `article_type`), then validated with the global pipe's options.
 */
@Injectable()
export class DraftArticleBodyPipe implements PipeTransform<unknown, Promise<DraftArticle>> {
  private readonly pipe = new ValidationPipe(VALIDATION_OPTIONS);

  async transform(body: unknown): Promise<DraftArticle> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new BadRequestException(['the body must be one article (a JSON object)']);
    }
    const metatype =
      (body as { article_type?: unknown }).article_type === 'newspic'
        ? NewspicDraftArticleDto
        : NewsDraftArticleDto;
    return (await this.pipe.transform(body, { type: 'body', metatype })) as DraftArticle;
  }
}
