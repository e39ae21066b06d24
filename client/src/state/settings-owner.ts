import type { SettingKey, Settings } from './settings-model.ts';

/**
 * Whose settings win when this device's identity is (re)established: at page load, at
 * sign-in, at sign-out. The rule, as README.md ("Settings across devices") states it:
 *
 * - same identity as the one the device's settings were last saved for: the server's
 *   values, except keys changed here that never reached the server (offline), which are
 *   kept and sent;
 * - signing IN to an account (a different identity that is not anonymous): the ACCOUNT's
 *   settings replace this device's, at once and without a reload. Changes made while signed
 *   out stay with the signed-out typist and are not carried into the account;
 * - signing OUT (the device becomes a new anonymous typist): the device keeps what it shows,
 *   and those settings become the new typist's.
 */
export interface IdentityChange {
  sameIdentity: boolean;
  anonymous: boolean;
  local: Settings;
  server: Settings;
  unsynced: ReadonlySet<SettingKey>;
}

export function settingsForIdentity(change: IdentityChange): { value: Settings; send: SettingKey[] } {
  const { local, server, unsynced } = change;
  if (change.sameIdentity) {
    const value = { ...server } as Record<SettingKey, unknown>;
    for (const key of unsynced) value[key] = local[key];
    return { value: value as unknown as Settings, send: [...unsynced] };
  }
  if (change.anonymous) return { value: local, send: Object.keys(local) as SettingKey[] };
  return { value: server, send: [] };
}
