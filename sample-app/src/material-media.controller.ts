import { Controller, Delete, HttpCode, HttpStatus, Param, Post, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { MaterialService } from '../../lib/index.js';
import {
  AddMaterialResultDto,
  ArticleImageResultDto,
  uploadFormSchema,
} from './api-media-schemas.dto.js';
import { ApiWechatErrors } from './api-wechat-errors.decorator.js';
import { receiveUpload } from './multipart-upload.js';
import { rawRequest } from './raw-http.js';
import { UPLOAD_TYPES, UploadParamsDto } from './upload-params.dto.js';

const FORM_ERRORS =
  'Bad type, a form without a `media` file, video fields after the file, a filename whose ' +
  'extension does not fit the type, an empty or too large file';

/** Permanent material: upload (multipart, streamed), delete. */
@ApiTags('material media')
@Controller('materials')
export class MaterialMediaController {
  constructor(private readonly materials: MaterialService) {}

  // Declared before `:type`, which would otherwise take `article-images` as a type.
  @Post('article-images')
  @ApiOperation({
    summary: 'Upload an image for use inside article content',
    description: 'POST /cgi-bin/media/uploadimg: jpg or png, at most 1 MB. Counts no material.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: uploadFormSchema(false) })
  @ApiCreatedResponse({ type: ArticleImageResultDto })
  @ApiWechatErrors(FORM_ERRORS)
  uploadArticleImage(@Req() req: unknown): Promise<{ url: string }> {
    return receiveUpload(rawRequest(req), {
      fieldsBeforeFile: [],
      onFile: (file) => this.materials.uploadArticleImage(file),
    });
  }

  @Post(':type')
  @ApiOperation({
    summary: 'Upload permanent material',
    description:
      'POST /cgi-bin/material/add_material, the file streamed through (spooled to a ' +
      'temporary file by the library, never whole in memory). For type=video, the fields ' +
      '`title` and `introduction` must come before `media`.',
  })
  @ApiParam({ name: 'type', schema: { type: 'string', enum: UPLOAD_TYPES } })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: uploadFormSchema(true) })
  @ApiCreatedResponse({ type: AddMaterialResultDto })
  @ApiWechatErrors(FORM_ERRORS)
  addMaterial(
    @Param() { type }: UploadParamsDto,
    @Req() req: unknown,
  ): Promise<{ media_id: string; url?: string }> {
    return receiveUpload(rawRequest(req), {
      fieldsBeforeFile: type === 'video' ? ['title', 'introduction'] : [],
      onFile: (file, fields) =>
        type === 'video'
          ? this.materials.addMaterial('video', file, {
              title: fields.title!,
              introduction: fields.introduction!,
            })
          : this.materials.addMaterial(type, file),
    });
  }

  @Delete('items/:mediaId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Delete permanent material',
    description: 'POST /cgi-bin/material/del_material.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiWechatErrors()
  async deleteMaterial(@Param('mediaId') mediaId: string): Promise<void> {
    await this.materials.deleteMaterial(mediaId);
  }
}
