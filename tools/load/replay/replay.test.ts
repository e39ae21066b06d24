import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseReplayLog } from './replay-log.ts';
import { ReplayScript } from './replay-script.ts';

const TSV = 'down_ms\tup_ms\tcode\tkey\n0\t90\tKeyH\th\n120\t200\tKeyI\ti\n250\t\tSpace\t \n';

test('a TSV log replays as keydowns and keyups, looping for as long as needed', () => {
  const script = new ReplayScript(parseReplayLog(TSV));
  const first = script.take(300);
  assert.equal(first.map((e) => [e.type, e.code, e.offsetUs]), [[0, 'KeyH', 0], [1, 'KeyH', 90_000], [0, 'KeyI', 120_000], [1, 'KeyI', 200_000], [0, 'Space', 250_000]]);
  const later = script.take(1500);
  assert.ok(later.length >= 5, 'the log did not loop');
  assert.ok(later.every((e) => e.offsetUs > 250_000));
});

test('clients offset in time start at another point of the log, not in lockstep', () => {
  const log = parseReplayLog(TSV);
  const a = new ReplayScript(log, 0).take(100).map((e) => e.code);
  const b = new ReplayScript(log, 110).take(100).map((e) => e.code);
  assert.equal(a, ['KeyH', 'KeyH']);
  assert.equal(b[0], 'KeyI', `offset 110 ms starts at the second key: ${b.join(',')}`);
});

test('the JSON array, the app\'s events.json and events.csv exports are read alike', () => {
  const json = parseReplayLog(JSON.stringify([{ downMs: 10, upMs: 60, code: 'KeyA', key: 'a', textPos: 0, isError: true }]));
  assert.is(json.format, 'json');
  assert.equal(json.events.map((e) => [e.type, e.offsetUs, e.isError]), [[0, 0, true], [1, 50_000, true]]);
  const exportJson = parseReplayLog('{"sessionId":"x","batchSeq":1,"batchIdx":0,"offsetUs":5000,"type":0,"code":"KeyA","key":"a","textPos":0,"finger":1,"isError":false,"flags":2}\n{"sessionId":"x","batchSeq":1,"batchIdx":1,"offsetUs":90000,"type":1,"code":"KeyA","key":"a","textPos":0,"finger":1,"isError":false,"flags":0}\n');
  assert.is(exportJson.format, 'export-json');
  assert.equal(exportJson.events.map((e) => [e.type, e.offsetUs, e.flags]), [[0, 0, 2], [1, 85_000, 0]]);
  const csv = parseReplayLog('session_id,batch_seq,batch_idx,offset_us,event_type,key_code,key_value,text_pos,finger,is_error,flags\nx,1,0,0,0,Comma,",",3,2,f,0\nx,1,1,80000,1,Comma,",",3,2,t,0\n');
  assert.is(csv.format, 'export-csv');
  assert.equal(csv.events.map((e) => [e.type, e.key, e.textPos, e.isError]), [[0, ',', 3, false], [1, ',', 3, true]]);
});

test('a bad log is refused with the line and the reason', () => {
  assert.throws(() => parseReplayLog('down_ms\tup_ms\tcode\tkey\n0\t90\tKeyH\th\nabc\t100\tKeyI\ti\n'), /^line 3: down_ms must be a number of milliseconds, got "abc"/);
  assert.throws(() => parseReplayLog('down_ms\tup_ms\tcode\tkey\n100\t50\tKeyH\th\n'), /^line 2: up_ms \(50\) must be a number not before/);
  assert.throws(() => parseReplayLog('down_ms\tup_ms\tcode\tkey\n100\t150\t\th\n'), /^line 2: code must be/);
  assert.throws(() => parseReplayLog('time\tcode\n1\tKeyA'), /^line 1: a TSV keystroke log starts with the header/);
  assert.throws(() => parseReplayLog('{"offsetUs":1,"type":0,"code":"KeyA","key":"a"}\n{oops\n'), /^line 2: not a JSON object/);
  assert.throws(() => parseReplayLog('[{"downMs":1,"code":"KeyA"}]'), /keystroke 0: key must be/);
  assert.throws(() => parseReplayLog('[]'), /no keystrokes/);
  assert.throws(() => parseReplayLog('hello world'), /^line 1: not a keystroke log/);
});

test.run();
