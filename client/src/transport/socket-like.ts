/** The part of the browser WebSocket the stream uses, so tests can hand it a fake. */
export interface SocketLike {
  binaryType: BinaryType;
  readonly readyState: number;
  send(data: ArrayBufferView | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

export type OpenSocket = (url: string) => SocketLike;

export const SOCKET_OPEN = 1;

export const openBrowserSocket: OpenSocket = (url) => new WebSocket(url);
