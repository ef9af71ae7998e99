import { BadRequestException } from '@nestjs/common';

/**
 * Bad input, caught before any request: HTTP 400 with `message` in ValidationPipe's
 * format (one string per failed constraint).
 */
export class WechatValidationException extends BadRequestException {
  override readonly name = 'WechatValidationException';

  constructor(readonly messages: string[]) {
    super(messages);
  }
}
