import type { Auth } from './auth.ts';
import { ApiError, NetworkError } from './http.ts';
import type { ExportedEvent } from './history-api.ts';

/**
 * The export routes need the Bearer token, which a plain link cannot carry: fetch the file,
 * then hand the browser a blob URL to save. The file name is the server's.
 */
export async function downloadExport(auth: Auth, path: string): Promise<{ name: string; bytes: number }> {
  const send = async () => {
    try {
      return await fetch(path, { headers: { authorization: `Bearer ${await auth.token()}` } });
    } catch (error) {
      throw new NetworkError(error);
    }
  };
  let response = await send();
  if (response.status === 401) {
    await auth.renew();
    response = await send();
  }
  if (!response.ok) throw new ApiError(response.status, `HTTP_${response.status}`, `the export failed (${response.status} ${response.statusText})`);
  const blob = await response.blob();
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? path.split('/').pop()!;
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { name, bytes: blob.size };
}

/** One session of the sessions export (export-sql.ts). */
export interface ExportedSession {
  sessionId: string;
  mode: string;
  startedAt: string;
  endedAt: string | null;
}

// The sidecar caps JSON bodies at 64 KB; an exported event is ~200 bytes as JSON.
const EVENTS_PER_CHUNK = 250;

/**
 * Imports exported JSON files (the sessions file and the events file, in any order or
 * together) into the signed-in account, one request per chunk of a session's events. The
 * server keys each session by its exported id and skips events it already has, so running
 * an import twice, or resuming one that stopped halfway, adds nothing twice.
 */
export async function importExport(auth: Auth, files: readonly unknown[], progress: (done: number, total: number) => void): Promise<{ sessions: number; created: number; events: number }> {
  const sessions = new Map<string, ExportedSession>();
  const events = new Map<string, ExportedEvent[]>();
  for (const file of files) {
    if (!Array.isArray(file)) throw new Error('this is not a FingerFlow JSON export (expected an array)');
    for (const row of file as Record<string, unknown>[]) {
      if (typeof row.sessionId !== 'string') throw new Error('this is not a FingerFlow JSON export (rows without sessionId)');
      if ('batchSeq' in row) {
        const list = events.get(row.sessionId) ?? [];
        list.push(row as unknown as ExportedEvent);
        events.set(row.sessionId, list);
      } else sessions.set(row.sessionId, row as unknown as ExportedSession);
    }
  }
  const ids = [...new Set([...sessions.keys(), ...events.keys()])];
  let created = 0;
  let inserted = 0;
  for (const [i, id] of ids.entries()) {
    const meta = sessions.get(id);
    const own = events.get(id) ?? [];
    const session = { sourceId: id, mode: meta?.mode ?? 'custom', startedAt: meta?.startedAt ?? null, endedAt: meta?.endedAt ?? null };
    for (let at = 0; at === 0 || at < own.length; at += EVENTS_PER_CHUNK) {
      const chunk = own.slice(at, at + EVENTS_PER_CHUNK).map(({ sessionId: _, ...event }) => event);
      const answer = await auth.request<{ created: boolean; inserted: number }>('/api/import', { method: 'POST', body: { session, events: chunk } });
      if (answer.created) created++;
      inserted += answer.inserted;
    }
    progress(i + 1, ids.length);
  }
  return { sessions: ids.length, created, events: inserted };
}
