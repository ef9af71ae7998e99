import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import {
  AddDraftDto,
  BatchGetDraftsDto,
  type DraftArticle,
  type DraftPage,
  DraftService,
} from '../../lib/index.js';
import {
  AddDraftBodyDto,
  DRAFT_ARTICLE_SCHEMA,
  DraftContentDto,
  DraftMediaIdDto,
  DraftPageDto,
  NewsDraftArticleBodyDto,
  NewspicDraftArticleBodyDto,
} from './api-draft-schemas.dto.js';
import { ApiPageQuery } from './api-page-query.decorator.js';
import { ApiWechatErrors } from './api-wechat-errors.decorator.js';
import { DraftArticleBodyPipe } from './draft-article-body.pipe.js';
import { DraftArticleParamsDto } from './draft-params.dto.js';

const ARTICLE_ERRORS =
  'per article_type the required fields, 0/1 flags, 1..20 images, crop strings X1_Y1_X2_Y2 ' +
  'in 0..1; messages name nested paths (`articles.0.title must be a string`)';
const WECHAT_400 = 'errcode 45002/45003/45004/40062/45166 (a field too long or bad content)';
const UNKNOWN_DRAFT = 'errcode 40007: unknown draft, thumb or image media_id';
export const PAGE_QUERY_ERRORS = 'Bad offset (integer >= 0), count (1..20) or no_content (0 or 1)';

/** The draft box (草稿箱): compose articles before publishing them. */
@ApiTags('drafts')
@ApiExtraModels(NewsDraftArticleBodyDto, NewspicDraftArticleBodyDto)
@Controller('drafts')
export class DraftsController {
  constructor(private readonly drafts: DraftService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a draft',
    description:
      'POST /cgi-bin/draft/add with 1..8 articles: news (HTML, a cover thumb) or newspic ' +
      '(an image post: plain text, 1..20 images). Validated by AddDraftDto.',
  })
  @ApiBody({ type: AddDraftBodyDto })
  @ApiCreatedResponse({ type: DraftMediaIdDto })
  @ApiWechatErrors(`Not 1..8 articles, ${ARTICLE_ERRORS}`, { 400: WECHAT_400, 404: UNKNOWN_DRAFT })
  create(@Body() body: AddDraftDto): Promise<{ media_id: string }> {
    return this.drafts.addDraft(body.articles as DraftArticle[]);
  }

  @Get()
  @ApiOperation({
    summary: 'One page of drafts',
    description: 'POST /cgi-bin/draft/batchget, answered as WeChat sent it.',
  })
  @ApiPageQuery()
  @ApiOkResponse({ type: DraftPageDto })
  @ApiWechatErrors(PAGE_QUERY_ERRORS)
  list(@Query() query: BatchGetDraftsDto): Promise<DraftPage> {
    return this.drafts.batchGetDrafts(query);
  }

  @Get(':mediaId')
  @ApiOperation({ summary: 'Read a draft', description: 'POST /cgi-bin/draft/get.' })
  @ApiOkResponse({ type: DraftContentDto })
  @ApiWechatErrors(undefined, { 404: UNKNOWN_DRAFT })
  get(@Param('mediaId') mediaId: string): Promise<{ news_item: DraftArticle[] }> {
    return this.drafts.getDraft(mediaId);
  }

  @Put(':mediaId/articles/:index')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Replace one article of a draft',
    description:
      'POST /cgi-bin/draft/update. `index` is 0-based; the body is ONE article, validated as ' +
      'NewsDraftArticleDto or NewspicDraftArticleDto by its `article_type`.',
  })
  @ApiParam({ name: 'mediaId', schema: { type: 'string' } })
  @ApiParam({ name: 'index', schema: { type: 'integer', minimum: 0 }, description: '0-based' })
  @ApiBody({ schema: DRAFT_ARTICLE_SCHEMA })
  @ApiNoContentResponse({ description: 'Updated' })
  @ApiWechatErrors(`A bad index or article: ${ARTICLE_ERRORS.replace(/articles\.0\./, '')}`, {
    400: `errcode 40114 (index out of range), ${WECHAT_400}`,
    404: UNKNOWN_DRAFT,
  })
  async update(
    @Param() { mediaId, index }: DraftArticleParamsDto,
    @Body(DraftArticleBodyPipe) article: DraftArticle,
  ): Promise<void> {
    await this.drafts.updateDraft(mediaId, index, article);
  }

  @Delete(':mediaId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a draft', description: 'POST /cgi-bin/draft/delete.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiWechatErrors(undefined, { 404: UNKNOWN_DRAFT })
  async remove(@Param('mediaId') mediaId: string): Promise<void> {
    await this.drafts.deleteDraft(mediaId);
  }
}
