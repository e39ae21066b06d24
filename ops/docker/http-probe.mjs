// Container health probe for the Node images, which have no curl:
//   node ops/docker/http-probe.mjs URL [STATUS ...]
// exits 0 when URL answers with one of the given statuses (default 200) within 3 s, else 1.
// Plain JavaScript, not TypeScript: Docker runs it every few seconds, and node starts it in
// a fraction of the time tsx would need.
const [url, ...wanted] = process.argv.slice(2);
if (!url) {
  console.error('usage: node http-probe.mjs URL [STATUS ...]');
  process.exit(2);
}
const accepted = wanted.length ? wanted.map(Number) : [200];
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
  await response.arrayBuffer();
  if (accepted.includes(response.status)) process.exit(0);
  console.error(`${url} answered ${response.status}`);
} catch (error) {
  console.error(`${url}: ${error instanceof Error ? error.message : String(error)}`);
}
process.exit(1);
