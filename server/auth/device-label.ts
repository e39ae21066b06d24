import UAParser from 'ua-parser-js';

/** What the device list shows of a signed-in device's User-Agent. */
export interface DeviceLabel {
  /** "Firefox 133", or null when the string names no browser we know. */
  browser: string | null;
  /** "Windows 10", "iOS 17.5", "Linux". */
  os: string | null;
  /** ua-parser's type (mobile, tablet, console, smarttv, wearable, embedded), or desktop when it names none. */
  type: string;
}

/**
 * Parses a User-Agent with ua-parser-js 1.x (MIT; the 2.x line is AGPL-3.0, which we do not
 * take into a server we distribute). Raw strings are unreadable and truncated in a list; a
 * maintained parser's names let a typist tell their phone from their laptop.
 */
export function describeDevice(userAgent: string | null): DeviceLabel {
  if (!userAgent) return { browser: null, os: null, type: 'unknown' };
  const { browser, os, device } = new UAParser(userAgent).getResult();
  const named = (name: string | undefined, version: string | undefined) => (name ? (version ? `${name} ${version}` : name) : null);
  return { browser: named(browser.name, browser.major), os: named(os.name, os.version), type: device.type ?? 'desktop' };
}
