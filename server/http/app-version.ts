import packageJson from '../../package.json' with { type: 'json' };

/** The running version, as released (package.json), for the client's about box and bug reports. */
export const APP_VERSION: string = packageJson.version;
