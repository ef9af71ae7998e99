import { PUBLISH_STATES } from './publish.constants.js';
import type { PublishStatus } from './publish.types.js';

/** `freepublish/get` answered something we can name: publish_status an integer 0..6. */
export const isPublishStatusBody = (b: Record<string, unknown>): boolean =>
  typeof b.publish_status === 'number' &&
  Number.isInteger(b.publish_status) &&
  b.publish_status >= 0 &&
  b.publish_status < PUBLISH_STATES.length;

/**
 * Names the state and keeps every field WeChat sent. A failure state always carries
 * `fail_idx` (an empty list when WeChat named no article), so callers can rely on it.
 */
export function toPublishStatus(body: Record<string, unknown>, publishId: string): PublishStatus {
  const publish_status = body.publish_status as number;
  const status: PublishStatus = {
    ...body,
    publish_id: typeof body.publish_id === 'string' ? body.publish_id : publishId,
    publish_status,
    state: PUBLISH_STATES[publish_status]!,
  };
  if (publish_status >= 2 && !Array.isArray(status.fail_idx)) status.fail_idx = [];
  return status;
}
