import {
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  ApiAcceptedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import {
  BatchGetPublishedDto,
  type PublishedArticle,
  type PublishedPage,
  PublishService,
  type PublishStatus,
} from '../../lib/index.js';
import {
  PublishedContentDto,
  PublishedPageDto,
  PublishJobDto,
  PublishStatusDto,
} from './api-draft-schemas.dto.js';
import { ApiPageQuery } from './api-page-query.decorator.js';
import { ApiWechatErrors } from './api-wechat-errors.decorator.js';
import { DeletePublicationQueryDto } from './draft-params.dto.js';
import { PAGE_QUERY_ERRORS } from './drafts.controller.js';

const UNKNOWN_ARTICLE = 'errcode 53600: unknown article_id';

/**
 * Publishing (发布能力). A submit only starts a job: its outcome is read from
 * GET /publish-jobs/:publishId, which asks WeChat once (no waiting inside an HTTP request).
 */
@ApiTags('publishing')
@Controller()
export class PublishingController {
  constructor(
    private readonly publishing: PublishService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Post('drafts/:mediaId/publish')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Publish a draft',
    description:
      'POST /cgi-bin/freepublish/submit. 202: WeChat accepted the job, which has not ' +
      'published anything yet; poll the `Location` (GET /publish-jobs/:publishId).',
  })
  @ApiAcceptedResponse({
    type: PublishJobDto,
    headers: {
      Location: { description: '/publish-jobs/<publish_id>', schema: { type: 'string' } },
    },
  })
  @ApiWechatErrors(undefined, {
    404: 'errcode 40007: unknown draft',
    409: 'errcode 53504, 53505: open or save the draft in the web console first',
    422: 'errcode 53503: the draft failed the publish check',
  })
  async submit(
    @Param('mediaId') mediaId: string,
    @Res({ passthrough: true }) res: unknown,
  ): Promise<{ publish_id: string; msg_data_id?: string }> {
    const { publish_id, msg_data_id } = await this.publishing.submitPublish(mediaId);
    const location = `/publish-jobs/${encodeURIComponent(publish_id)}`;
    this.adapterHost.httpAdapter.setHeader(res, 'Location', location);
    // The job's ids only (WeChat's answer also carries errcode 0 and errmsg "ok").
    return msg_data_id === undefined ? { publish_id } : { publish_id, msg_data_id };
  }

  @Get('publish-jobs/:publishId')
  @ApiOperation({
    summary: 'Status of a publish job',
    description:
      'POST /cgi-bin/freepublish/get, once. `state` names publish_status; failure states ' +
      'carry `fail_idx` (1-based article numbers); success carries `article_id`.',
  })
  @ApiOkResponse({ type: PublishStatusDto })
  @ApiWechatErrors(undefined, { 404: 'errcode 40007: unknown publish_id' })
  status(@Param('publishId') publishId: string): Promise<PublishStatus> {
    return this.publishing.getPublishStatus(publishId);
  }

  @Get('publications')
  @ApiOperation({
    summary: 'One page of publications',
    description: 'POST /cgi-bin/freepublish/batchget, answered as WeChat sent it.',
  })
  @ApiPageQuery()
  @ApiOkResponse({ type: PublishedPageDto })
  @ApiWechatErrors(PAGE_QUERY_ERRORS)
  list(@Query() query: BatchGetPublishedDto): Promise<PublishedPage> {
    return this.publishing.batchGetPublished(query);
  }

  @Get('publications/:articleId')
  @ApiOperation({
    summary: 'Read a publication',
    description: 'POST /cgi-bin/freepublish/getarticle.',
  })
  @ApiOkResponse({ type: PublishedContentDto })
  @ApiWechatErrors(undefined, { 404: UNKNOWN_ARTICLE })
  get(@Param('articleId') articleId: string): Promise<{ news_item: PublishedArticle[] }> {
    return this.publishing.getPublishedArticle(articleId);
  }

  @Delete('publications/:articleId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Delete a publication, or one article of it',
    description:
      'POST /cgi-bin/freepublish/delete. `index` is 1-based (WeChat counts articles from 1); ' +
      'without it, the whole set is deleted.',
  })
  @ApiQuery({ name: 'index', required: false, schema: { type: 'integer', minimum: 1 } })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiWechatErrors('index not an integer >= 1', {
    400: 'errcode 40114 (index out of range)',
    404: UNKNOWN_ARTICLE,
  })
  async remove(
    @Param('articleId') articleId: string,
    @Query() { index }: DeletePublicationQueryDto,
  ): Promise<void> {
    await this.publishing.deletePublished(articleId, index === undefined ? {} : { index });
  }
}
