import type { Auth } from '../api/auth.ts';
import { DEFAULT_SETTINGS, sanitiseSettings, type SettingKey, type Settings } from './settings-model.ts';
import { settingsForIdentity } from './settings-owner.ts';

const STORAGE_KEY = 'ff-settings';
const DIRTY_KEY = 'ff-settings-unsynced';
const CUSTOM_TEXT_KEY = 'ff-custom-text';
// Whose settings this device last saved: tells a sign-in or sign-out from a page load.
const OWNER_KEY = 'ff-settings-owner';

/**
 * The typist's settings. They apply at once from localStorage (no flash of the default
 * theme), then follow the account (settings-owner.ts has the rule): on start the server's
 * values win, except keys changed here that never reached the server (kept in a list that
 * survives reloads), which are sent; at sign-in the account's replace them at once.
 * Every change is saved locally at once and sent with PATCH /api/settings shortly after.
 */
export class SettingsState {
  value = $state<Settings>(structuredClone(DEFAULT_SETTINGS));
  /** The custom mode's text: this device only (the API has no field for it). */
  customText = $state('');
  private unsynced = new Set<SettingKey>();
  private auth: Auth | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly storage: Storage = localStorage) {
    this.value = sanitiseSettings(readJson(storage, STORAGE_KEY));
    this.customText = storage.getItem(CUSTOM_TEXT_KEY) ?? '';
    const dirty = readJson(storage, DIRTY_KEY);
    if (Array.isArray(dirty)) for (const key of dirty) if (key in DEFAULT_SETTINGS) this.unsynced.add(key as SettingKey);
  }

  update(patch: Partial<Settings>): void {
    const current = $state.snapshot(this.value);
    this.value = sanitiseSettings({ ...current, ...patch }, current);
    for (const key of Object.keys(patch) as SettingKey[]) this.unsynced.add(key);
    this.save();
    this.scheduleSync();
  }

  setCustomText(text: string): void {
    this.customText = text;
    this.storage.setItem(CUSTOM_TEXT_KEY, text);
  }

  /**
   * Signed in (an anonymous typist is too), at page load and again whenever the identity
   * changes (sign-in, sign-out): take that identity's settings by the rule of
   * settings-owner.ts, applied at once, without a reload.
   */
  async attach(auth: Auth, anonymous: boolean): Promise<void> {
    this.auth = auth;
    const { settings } = await auth.request<{ settings: unknown }>('/api/settings');
    const userId = auth.userId;
    const owner = this.storage.getItem(OWNER_KEY);
    const local = $state.snapshot(this.value);
    const next = settingsForIdentity({ sameIdentity: owner === null || owner === userId, anonymous, local, server: sanitiseSettings(settings, local), unsynced: this.unsynced });
    this.value = next.value;
    this.unsynced = new Set(next.send);
    if (userId) this.storage.setItem(OWNER_KEY, userId);
    this.save();
    if (this.unsynced.size > 0) await this.sync();
  }

  private scheduleSync(): void {
    if (!this.auth) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.sync().catch((error) => console.warn('settings not synced yet', error)), 400);
  }

  private async sync(): Promise<void> {
    if (!this.auth || this.unsynced.size === 0) return;
    const keys = [...this.unsynced];
    const patch = Object.fromEntries(keys.map((key) => [key, $state.snapshot(this.value[key])]));
    await this.auth.request('/api/settings', { method: 'PATCH', body: patch });
    for (const key of keys) this.unsynced.delete(key);
    this.save();
  }

  private save(): void {
    this.storage.setItem(STORAGE_KEY, JSON.stringify($state.snapshot(this.value)));
    this.storage.setItem(DIRTY_KEY, JSON.stringify([...this.unsynced]));
  }
}

function readJson(storage: Storage, key: string): unknown {
  const raw = storage.getItem(key);
  if (raw === null) return null;
  try {
    return JSON.parse(raw);
  } catch (error) {
    console.warn(`ignoring unreadable ${key} in localStorage`, error);
    return null;
  }
}
