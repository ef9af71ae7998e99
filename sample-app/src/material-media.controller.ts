import {
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Logger,
  Param,
  Post,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { MaterialService } from '../../lib/index.js';
import {
  AddMaterialResultDto,
  ArticleImageResultDto,
  DOWNLOAD_HEADERS,
  downloadContent,
  NewsMaterialContentDto,
  uploadFormSchema,
  VideoMaterialContentDto,
} from './api-media-schemas.dto.js';
import { ApiWechatErrors } from './api-wechat-errors.decorator.js';
import { streamFile } from './file-download.js';
import { receiveUpload } from './multipart-upload.js';
import { rawRequest } from './raw-http.js';
import { UPLOAD_TYPES, UploadParamsDto } from './upload-params.dto.js';

const FORM_ERRORS =
  'Bad type, a form without a `media` file, video fields after the file, a filename whose ' +
  'extension does not fit the type, an empty or too large file';

/** Permanent material: upload (multipart, streamed), download, delete. */
@ApiTags('material media')
@Controller('materials')
export class MaterialMediaController {
  private readonly logger = new Logger(MaterialMediaController.name);

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

  @Get('items/:mediaId')
  @ApiOperation({
    summary: 'Download permanent material',
    description:
      'POST /cgi-bin/material/get_material. A file (image, voice, thumb) is streamed through ' +
      'with its Content-Type, Content-Disposition and Content-Length; news and video answer ' +
      'JSON. If WeChat fails after the first bytes were sent, the connection is aborted ' +
      '(the client sees a broken transfer); before that, the error is answered as JSON.',
  })
  @ApiExtraModels(NewsMaterialContentDto, VideoMaterialContentDto)
  @ApiOkResponse({
    description: 'The file as WeChat sent it, or JSON for news and video',
    headers: DOWNLOAD_HEADERS,
    content: downloadContent({
      oneOf: [
        { $ref: getSchemaPath(NewsMaterialContentDto) },
        { $ref: getSchemaPath(VideoMaterialContentDto) },
      ],
    }),
  })
  @ApiWechatErrors()
  async getMaterial(
    @Param('mediaId') mediaId: string,
    @Res({ passthrough: true }) res: unknown,
  ): Promise<StreamableFile | object> {
    const content = await this.materials.getMaterial(mediaId);
    if (content.kind !== 'file') return content;
    return streamFile(content, res, this.logger, `material ${mediaId}`);
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
