import { createHmac, randomBytes, type KeyObject } from 'node:crypto';
import { safeEqual } from './secrets.ts';

/**
 * A mark a browser keeps after signing in to an account (`<id>.<mac>`, the MAC binding the
 * id to the account): its attempts count as a recognised device, past the account ceiling
 * of the sign-in throttle. The HTTP layer carries it in a cookie.
 */
export class DeviceMarks {
  constructor(private readonly key: KeyObject) {}

  /** The device id when `mark` is this account's valid mark. */
  recognise(mark: string | undefined, userId: string): string | undefined {
    const [id, mac] = (mark ?? '').split('.');
    return id && mac && safeEqual(mac, this.mac(id, userId)) ? id : undefined;
  }

  /** The mark to keep after a completed sign-in: the same device id if it had one. */
  markFor(existing: string | undefined, userId: string): string {
    const id = this.recognise(existing, userId) ?? randomBytes(16).toString('base64url');
    return `${id}.${this.mac(id, userId)}`;
  }

  private mac(id: string, userId: string): string {
    return createHmac('sha256', this.key).update(`${id}:${userId}`).digest('base64url');
  }
}
