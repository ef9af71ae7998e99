import { Readable } from 'node:stream';
import {
  Controller,
  Get,
  HttpStatus,
  Logger,
  Param,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import {
  BatchGetMaterialDto,
  type FileMaterialPage,
  MaterialService,
  type MaterialCount,
  type NewsMaterialPage,
  WechatApiException,
  WechatExceptionFilter,
  WechatTransportException,
} from '../../lib/index.js';
import {
  FileMaterialItemDto,
  FileMaterialPageDto,
  MATERIAL_TYPE_SCHEMA,
  MaterialCountDto,
  NewsMaterialItemDto,
  NewsMaterialPageDto,
  WechatErrorBodyDto,
} from './api-schemas.dto.js';
import { ApiWechatErrors } from './api-wechat-errors.decorator.js';
import { ExportParamsDto } from './export-params.dto.js';
import { NdjsonExportStream } from './ndjson-export.stream.js';
import { rawResponse } from './raw-http.js';

const NDJSON = 'application/x-ndjson';

@ApiTags('materials')
@Controller('materials')
export class MaterialsController {
  private readonly logger = new Logger(MaterialsController.name);

  constructor(
    private readonly materials: MaterialService,
    private readonly errors: WechatExceptionFilter,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'One page of permanent material',
    description: 'POST /cgi-bin/material/batchget_material, answered as WeChat sent it.',
  })
  @ApiQuery({ name: 'type', schema: MATERIAL_TYPE_SCHEMA })
  @ApiQuery({ name: 'offset', schema: { type: 'integer', minimum: 0, example: 0 } })
  @ApiQuery({ name: 'count', schema: { type: 'integer', minimum: 1, maximum: 20, example: 20 } })
  @ApiExtraModels(FileMaterialPageDto, NewsMaterialPageDto)
  @ApiOkResponse({
    description: 'A page: `NewsMaterialPage` for type=news, else `FileMaterialPage`',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(FileMaterialPageDto) },
        { $ref: getSchemaPath(NewsMaterialPageDto) },
      ],
    },
  })
  @ApiWechatErrors('Bad type, offset or count')
  list(@Query() query: BatchGetMaterialDto): Promise<FileMaterialPage | NewsMaterialPage> {
    return this.materials.batchGetMaterial(query);
  }

  @Get('count')
  @ApiOperation({
    summary: 'How many items of each type',
    description: 'GET /cgi-bin/material/get_materialcount.',
  })
  @ApiOkResponse({ type: MaterialCountDto })
  @ApiWechatErrors()
  count(): Promise<MaterialCount> {
    return this.materials.getMaterialCount();
  }

  @Get(':type/export')
  @ApiOperation({
    summary: 'Every item of a type, as NDJSON',
    description:
      'Streams one JSON item a line, each media_id once, in WeChat order (iterateMaterials). ' +
      'An error before the first line is answered like any other route. If WeChat fails ' +
      'after lines were sent, the stream ends with one last line `{"error":{"statusCode",' +
      '"error","message","errcode"?,"rid"?}}`. Closing the connection stops the walk.',
  })
  @ApiParam({ name: 'type', schema: MATERIAL_TYPE_SCHEMA })
  @ApiProduces(NDJSON)
  @ApiExtraModels(FileMaterialItemDto, NewsMaterialItemDto, WechatErrorBodyDto)
  @ApiOkResponse({
    description: 'One item a line; maybe a last `{"error":…}` line',
    content: {
      [NDJSON]: {
        schema: {
          oneOf: [
            { $ref: getSchemaPath(FileMaterialItemDto) },
            { $ref: getSchemaPath(NewsMaterialItemDto) },
            {
              type: 'object',
              properties: { error: { $ref: getSchemaPath(WechatErrorBodyDto) } },
              required: ['error'],
            },
          ],
        },
      },
    },
  })
  @ApiWechatErrors('Bad type')
  async export(
    @Param() { type }: ExportParamsDto,
    @Res({ passthrough: true }) res: unknown,
  ): Promise<StreamableFile> {
    const controller = new AbortController();
    // The adapters destroy the stream when the client goes; this also covers the first page,
    // fetched before the stream exists.
    const raw = rawResponse(res);
    raw?.once('close', () => {
      if (!raw.writableFinished) controller.abort(new Error('the client closed the export'));
    });
    const items = this.materials.iterateMaterials(type, { signal: controller.signal });
    const iterator = items[Symbol.asyncIterator]();
    let first: IteratorResult<unknown>;
    try {
      // Fetched before anything is sent, so that an early failure is an ordinary error answer.
      first = await iterator.next();
    } catch (error) {
      if (!controller.signal.aborted) throw error;
      this.logger.log(`Export of ${type} stopped: the client left before the first item`);
      return new StreamableFile(Readable.from([]), { type: NDJSON });
    }
    if (first.done) return new StreamableFile(Readable.from([]), { type: NDJSON });

    const stream = new NdjsonExportStream(
      iterator,
      first.value,
      controller,
      (error) => this.errorLine(type, error),
      (sent) => this.logger.log(`Export of ${type} stopped: the client left after ${sent} items`),
    );
    return new StreamableFile(stream, { type: NDJSON });
  }

  /** The last NDJSON line after a failure mid-stream: the filter's body, as a normal answer. */
  private errorLine(type: string, error: unknown): object {
    if (error instanceof WechatApiException || error instanceof WechatTransportException) {
      const { body } = this.errors.toResponse(error);
      this.logger.warn(`Export of ${type} ended early: ${body.message}`);
      return body;
    }
    this.logger.error(`Export of ${type} failed`, error instanceof Error ? error.stack : undefined);
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: 'Internal Server Error',
      message: 'Internal server error',
    };
  }
}
