/**
 * Who is asking, as plain facts the HTTP layer reads from the request: use cases log them,
 * key the sign-in throttle on them and record them on a new sign-in.
 */
export interface Requester {
  /** The client's address (behind trusted proxies, the one they saw). */
  ip: string;
  /** The address group the throttle and rate limits key on (an IPv6 /64, or the IPv4 address). */
  ipGroup: string;
  userAgent: string;
  /** The browser's device mark from an earlier sign-in, if it sent one. */
  deviceMark?: string;
  /** The refresh token the browser holds (its current sign-in), if any. */
  refreshToken?: string;
}
