import { Controller, Get, Logger, Param, Post, Req, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { MaterialService } from '../../lib/index.js';
import {
  DOWNLOAD_HEADERS,
  downloadContent,
  TemporaryMaterialResultDto,
  TemporaryVideoContentDto,
  uploadFormSchema,
} from './api-media-schemas.dto.js';
import { ApiWechatErrors } from './api-wechat-errors.decorator.js';
import { streamFile } from './file-download.js';
import { receiveUpload } from './multipart-upload.js';
import { rawRequest } from './raw-http.js';
import { UPLOAD_TYPES, UploadParamsDto } from './upload-params.dto.js';

/** Temporary media (kept 3 days by WeChat): upload and download. */
@ApiTags('temporary media')
@Controller('temporary-materials')
export class TemporaryMediaController {
  private readonly logger = new Logger(TemporaryMediaController.name);

  constructor(private readonly materials: MaterialService) {}

  @Post(':type')
  @ApiOperation({
    summary: 'Upload temporary media',
    description:
      'POST /cgi-bin/media/upload, the file streamed through. No title or introduction, ' +
      'also for video.',
  })
  @ApiParam({ name: 'type', schema: { type: 'string', enum: UPLOAD_TYPES } })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: uploadFormSchema(false) })
  @ApiCreatedResponse({ type: TemporaryMaterialResultDto })
  @ApiWechatErrors(
    'Bad type, a form without a `media` file, a filename whose extension does not fit the ' +
      'type, an empty or too large file',
  )
  addTemporaryMaterial(
    @Param() { type }: UploadParamsDto,
    @Req() req: unknown,
  ): Promise<TemporaryMaterialResultDto> {
    return receiveUpload(rawRequest(req), {
      fieldsBeforeFile: [],
      onFile: (file) => this.materials.addTemporaryMaterial(type, file),
    });
  }

  @Get(':mediaId')
  @ApiOperation({
    summary: 'Download temporary media',
    description:
      'GET /cgi-bin/media/get. A file is streamed through with its headers; a video answers ' +
      'JSON with its `video_url`. A failure after the first bytes aborts the connection.',
  })
  @ApiExtraModels(TemporaryVideoContentDto)
  @ApiOkResponse({
    description: 'The file as WeChat sent it, or JSON for a video',
    headers: DOWNLOAD_HEADERS,
    content: downloadContent({ $ref: getSchemaPath(TemporaryVideoContentDto) }),
  })
  @ApiWechatErrors()
  async getTemporaryMaterial(
    @Param('mediaId') mediaId: string,
    @Res({ passthrough: true }) res: unknown,
  ): Promise<StreamableFile | object> {
    const content = await this.materials.getTemporaryMaterial(mediaId);
    if (content.kind !== 'file') return content;
    return streamFile(content, res, this.logger, `temporary media ${mediaId}`);
  }
}
