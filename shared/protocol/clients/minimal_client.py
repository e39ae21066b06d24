#!/usr/bin/env python3
"""A complete FingerFlow typist client in Python, written from PROTOCOL.md and API.md alone.

It signs in as an anonymous typist, creates a session, streams a sentence as keydown/keyup
events in batches over the WebSocket protocol, waits for every batch to be acknowledged
(acks come after COMMIT), ends the session and prints one JSON line with what was sent and
acknowledged. Needs `msgpack` and `websockets` (Debian: python3-msgpack python3-websockets).

    python3 minimal_client.py --url http://127.0.0.1:8080 --text "the quick brown fox"
"""
import argparse, asyncio, json, urllib.request
import msgpack, websockets

HELLO, WELCOME, BATCH, ACK, ERROR, STATS, END, ENDED, THROTTLE = 1, 2, 3, 4, 5, 6, 7, 8, 9
KEYDOWN, KEYUP = 0, 1


class FrameReader:
    """Decodes one server frame: standard msgpack plus msgpackr records (PROTOCOL.md section 2).

    The server writes records, whose keys follow the ext outside its payload, so a stock
    msgpack library cannot read them; everything else is handed to msgpack one value at a time.
    """

    def __init__(self, frame):
        self.data, self.pos, self.defs = frame, 0, {}

    def byte(self):
        self.pos += 1
        return self.data[self.pos - 1]

    def read(self):
        b = self.byte()
        if 0x40 <= b <= 0x7F and (b & 0x3F) in self.defs:          # record reference
            return self.record(self.defs[b & 0x3F])
        if b in (0xD4, 0xD5) and self.data[self.pos] == 0x72:      # record definition
            self.pos += 1
            slot, high = self.byte() & 0x3F, (self.byte() if b == 0xD5 else 0)
            keys = self.read()
            if high == 0:
                self.defs[slot] = keys  # the two-byte form is never produced by the server
            return self.record(keys)
        if 0x90 <= b <= 0x9F or b in (0xDC, 0xDD):                 # array: elements may be records
            n = b & 0x0F if b <= 0x9F else self.length(2 if b == 0xDC else 4)
            return [self.read() for _ in range(n)]
        if 0x80 <= b <= 0x8F or b in (0xDE, 0xDF):                 # map with string keys
            n = b & 0x0F if b <= 0x8F else self.length(2 if b == 0xDE else 4)
            return {self.read(): self.read() for _ in range(n)}
        self.pos -= 1                                              # a scalar: let msgpack read it
        unpacker = msgpack.Unpacker(raw=False)
        unpacker.feed(self.data[self.pos:])
        value = unpacker.unpack()
        self.pos += unpacker.tell()
        return value

    def length(self, size):
        self.pos += size
        return int.from_bytes(self.data[self.pos - size:self.pos], "big")

    def record(self, keys):
        return {key: self.read() for key in keys}


def api(base, path, body, token=None):
    """POST JSON to the sidecar; returns the decoded JSON answer (raises on 4xx/5xx)."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(base + path, json.dumps(body).encode(), headers, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def key_code(ch):
    """KeyboardEvent.code of a character on a US keyboard (enough for letters and space)."""
    if ch == " ":
        return "Space"
    if ch.isalpha():
        return "Key" + ch.upper()
    return "Unidentified"


def keystrokes(text, ms_per_key=120, hold_ms=80):
    """One keydown and one keyup per character; offsets in microseconds from the first keydown."""
    events = []
    for pos, ch in enumerate(text):
        down = pos * ms_per_key * 1000
        for kind, offset in ((KEYDOWN, down), (KEYUP, down + hold_ms * 1000)):
            events.append({"type": kind, "code": key_code(ch), "key": ch, "offsetUs": offset,
                           "textPos": pos, "isError": False, "flags": 0})
    # Send in capture order: a keyup can come after the next keydown (rollover).
    return sorted(events, key=lambda e: e["offsetUs"])


async def stream(ingest_url, ticket, session_id, events, batch_size):
    url = f"{ingest_url}?ticket={ticket}"
    async with websockets.connect(url, compression=None, max_size=1 << 20) as ws:
        async def receive(wanted):
            # Skip stats and throttle messages (a real client would show or obey them).
            while True:
                message = FrameReader(await ws.recv()).read()
                if message["t"] == ERROR:
                    raise RuntimeError(f"{message['code']}: {message['message']}")
                if message["t"] == THROTTLE:
                    await asyncio.sleep(message["retryAfterMs"] / 1000)
                if message["t"] in wanted:
                    return message

        await ws.send(msgpack.packb({"t": HELLO, "v": 1, "sessionId": session_id,
                                     "lastAckedSeq": 0, "client": "python-minimal/1"}))
        welcome = await receive({WELCOME})
        max_events = welcome["maxEventsPerBatch"]
        chunks = [events[i:i + min(batch_size, max_events)]
                  for i in range(0, len(events), min(batch_size, max_events))]
        for seq, chunk in enumerate(chunks, start=1):  # pipelined: no wait between batches
            await ws.send(msgpack.packb({"t": BATCH, "seq": seq, "events": chunk}))
        acked = 0
        while acked < len(chunks):  # acks are cumulative and come after COMMIT
            acked = max(acked, (await receive({ACK}))["seq"])
        await ws.send(msgpack.packb({"t": END, "seq": len(chunks)}))
        ended = await receive({ENDED})
        return {"batches": len(chunks), "ackedSeq": acked, "committedSeq": ended["committedSeq"]}


def main():
    parser = argparse.ArgumentParser(description="Stream one typed sentence to FingerFlow.")
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="the HTTP sidecar")
    parser.add_argument("--text", default="the quick brown fox jumps over the lazy dog")
    parser.add_argument("--batch-size", type=int, default=16, help="events per batch")
    args = parser.parse_args()

    typist = api(args.url, "/api/anonymous", {})
    created = api(args.url, "/api/sessions", {"mode": "custom", "practiceText": args.text},
                  typist["accessToken"])
    session_id, ingest = created["session"]["id"], created["ingest"]
    events = keystrokes(args.text)
    result = asyncio.run(stream(ingest["ingestUrl"], ingest["ticket"], session_id, events, args.batch_size))
    print(json.dumps({"sessionId": session_id, "events": len(events), **result}))


if __name__ == "__main__":
    main()
