import type { Auth } from './auth.ts';
import type { ErrorBody } from '../../../shared/api/errors.ts';
import { ApiError, NetworkError } from './http.ts';

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

/**
 * Sends an import in one request (the server stores it all or nothing) with XMLHttpRequest,
 * which, unlike fetch, reports upload progress: a 30 MB import takes a while on a slow line.
 * `progress` gets the fraction sent, then 1 while the server stores it.
 */
export async function uploadImport<T>(auth: Auth, path: string, body: unknown, progress: (sent: number) => void): Promise<T> {
  const payload = JSON.stringify(body);
  const send = async () => {
    const token = await auth.token();
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      xhr.setRequestHeader('content-type', 'application/json');
      xhr.setRequestHeader('accept', 'application/json');
      xhr.setRequestHeader('authorization', `Bearer ${token}`);
      xhr.upload.onprogress = (event) => event.lengthComputable && progress(event.loaded / event.total);
      xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText });
      xhr.onerror = () => reject(new NetworkError(new Error('the upload was interrupted')));
      xhr.send(payload);
    });
  };
  let answer = await send();
  if (answer.status === 401) {
    await auth.renew();
    answer = await send();
  }
  let parsed: Partial<ErrorBody> | undefined;
  try {
    parsed = answer.text ? (JSON.parse(answer.text) as Partial<ErrorBody>) : undefined;
  } catch {
    throw new ApiError(502, 'BAD_GATEWAY', `the answer was not JSON (${answer.status})`);
  }
  if (answer.status < 200 || answer.status >= 300) throw new ApiError(answer.status, parsed?.error?.code ?? `HTTP_${answer.status}`, parsed?.error?.message ?? `HTTP ${answer.status}`);
  return parsed as T;
}
