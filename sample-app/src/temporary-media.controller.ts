import { Controller, Param, Post, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { MaterialService } from '../../lib/index.js';
import { TemporaryMaterialResultDto, uploadFormSchema } from './api-media-schemas.dto.js';
import { ApiWechatErrors } from './api-wechat-errors.decorator.js';
import { receiveUpload } from './multipart-upload.js';
import { rawRequest } from './raw-http.js';
import { UPLOAD_TYPES, UploadParamsDto } from './upload-params.dto.js';

/** Temporary media (kept 3 days by WeChat): upload. */
@ApiTags('temporary media')
@Controller('temporary-materials')
export class TemporaryMediaController {
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
}
