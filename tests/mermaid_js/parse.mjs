#!/usr/bin/env node
// Real Mermaid's verdict on diagrams, for mermaid-lint's differential tests.
//
// Protocol (JSON lines):
//   stdin : {"id": <any>, "text": "<diagram text as inside a ```mermaid fence>"}
//   stdout: {"id": <id>, "ok": true,  "type": "<diagram type>"}
//        or {"id": <id>, "ok": false, "error": "<one line>", "line": <1-based line in text | null>}
// A line of stdin that is not valid JSON gets {"id": null, "ok": false, "error": "bad request: ..."}.
// With --hello, the first stdout line is {"ready": true, "mermaid": "<version>", "jsdom": "<version>"},
// written once Mermaid is loaded (the Python wrapper uses it for start-up and the cache key).
//
// stdout carries only these lines; everything Mermaid (or jsdom) logs goes to stderr,
// or nowhere unless MERMAID_JS_DEBUG=1 is set.
//
// Options (environment): MERMAID_JS_TIMEOUT_MS (default 10000) - per-diagram time limit.

import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { writeSync } from 'node:fs';

const require = createRequire(import.meta.url);
const TIMEOUT_MS = Number(process.env.MERMAID_JS_TIMEOUT_MS || 10000);
const DEBUG = process.env.MERMAID_JS_DEBUG === '1';

// ---------------------------------------------------------------------------
// stdout is reserved for protocol lines. Written synchronously (fd 1), so every
// answer is out before the next request is read, even when stdout is a pipe.
function emit(obj) {
  const buf = Buffer.from(JSON.stringify(obj) + '\n', 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(1, buf, off, buf.length - off);
    } catch (e) {
      if (e.code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); // stdout full: wait a little
        continue;
      }
      if (e.code === 'EPIPE') process.exit(0); // the reader is gone
      throw e;
    }
  }
}

function toStderr(...args) {
  if (!DEBUG) return;
  try {
    const text = args
      .map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.stack || String(a) : safeInspect(a)))
      .join(' ');
    writeSync(2, text + '\n');
  } catch {
    /* ignore */
  }
}

function safeInspect(value) {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

// Anything that calls console.* (Mermaid's logger, jsdom's virtual console, dependencies)
// goes to stderr, only in debug mode.
for (const name of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table']) {
  console[name] = toStderr;
}
// Direct writes to process.stdout too (emit() writes to fd 1 itself).
process.stdout.write = (chunk, encoding, cb) => {
  if (DEBUG) {
    try {
      writeSync(2, typeof chunk === 'string' ? chunk : Buffer.from(chunk));
    } catch {
      /* ignore */
    }
  }
  const done = typeof encoding === 'function' ? encoding : cb;
  if (typeof done === 'function') process.nextTick(done);
  return true;
};
// Node's own warnings (e.g. experimental features) go to stderr anyway; keep them quiet.
process.removeAllListeners('warning');
process.on('warning', (w) => toStderr('node warning:', w));

// An error thrown or rejected outside the promise we await must not kill the process.
// It is remembered and attributed to the diagram in flight, if any.
let current = null; // { reject } of the diagram being parsed
process.on('uncaughtException', (err) => {
  toStderr('uncaughtException:', err);
  if (current) current.reject(err);
});
process.on('unhandledRejection', (err) => {
  toStderr('unhandledRejection:', err);
  if (current) current.reject(err);
});

// ---------------------------------------------------------------------------
// A DOM for Mermaid (DOMPurify is set up when Mermaid's module loads, so the
// globals must exist before the dynamic import below).
const { JSDOM, VirtualConsole } = require('jsdom');
const virtualConsole = new VirtualConsole();
virtualConsole.on('jsdomError', (e) => toStderr('jsdom:', e));
for (const m of ['log', 'info', 'warn', 'error', 'debug']) virtualConsole.on(m, (...a) => toStderr(...a));
const dom = new JSDOM('<!DOCTYPE html><html><head></head><body></body></html>', {
  pretendToBeVisual: true,
  url: 'http://localhost/',
  virtualConsole,
});
const win = dom.window;
// Like global-jsdom: every window property Node lacks becomes a global (document, navigator,
// Element, DOMParser, Option - used by sequence diagrams' `box` colour check -, ...).
// Node's own globals (setTimeout, URL, fetch, ...) are left alone.
globalThis.window = win;
for (const key of Object.getOwnPropertyNames(win)) {
  if (key in globalThis || key === 'undefined') continue;
  try {
    Object.defineProperty(globalThis, key, {
      configurable: true,
      get: () => win[key],
      set: (v) => { win[key] = v; },
    });
  } catch {
    /* not definable: leave it */
  }
}

const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, logLevel: 'fatal', securityLevel: 'strict' });
const mermaidVersion = require('mermaid/package.json').version;
const jsdomVersion = require('jsdom/package.json').version;

// ---------------------------------------------------------------------------
// Line numbers. Mermaid parses a cleaned copy of the text: CRLF normalised, the
// front-matter cut off, %%{...}%% directives removed, %% comment lines removed,
// leading whitespace trimmed. Its errors count lines in that copy. We redo the same
// steps on an array that remembers, per character, the line of `text` it came from.
// (Mirrors mermaid 12.3.0 src/preprocess.ts, diagram-api/frontmatter.ts, comments.ts.)

const DIRECTIVE_RE = /%{2}{\s*(?:(\w+)\s*:|(\w+))\s*(?:(\w+)|((?:(?!}%{2}).|\r?\n)*))?\s*(?:}%{2})?/gi;
const COMMENT_RE = /^\s*%%(?!{)[^\n]+\n?/gm;
const WS = /\s/;
const isLineBreak = (c) => c === '\n' || c === '\r';

function lastLineBreakInWhitespaceRun(text, from) {
  let index = -1;
  for (let i = from; i < text.length && WS.test(text[i]); i++) {
    if (isLineBreak(text[i])) index = i;
  }
  return index;
}

// Copy of mermaid's matchFrontMatter: returns the length of the front-matter or 0.
function frontMatterLength(text) {
  let cursor = 0;
  while (cursor < text.length && WS.test(text[cursor]) && !isLineBreak(text[cursor])) cursor++;
  const indent = text.slice(0, cursor);
  if (!text.startsWith('---', cursor)) return 0;
  const openingEnds = [];
  for (let i = cursor + 3; i < text.length && WS.test(text[i]); i++) {
    if (isLineBreak(text[i])) openingEnds.push(i);
  }
  if (openingEnds.length === 0) return 0;
  const closingFence = `${indent}---`;
  const closingEnd = (i) =>
    isLineBreak(text[i]) && text.startsWith(closingFence, i + 1)
      ? lastLineBreakInWhitespaceRun(text, i + 1 + closingFence.length)
      : -1;
  let lastClosingFence = -1;
  for (let i = openingEnds[0] + 1; i < text.length; i++) {
    if (closingEnd(i) !== -1) lastClosingFence = i;
  }
  if (lastClosingFence === -1) return 0;
  let openingEnd = openingEnds[0];
  for (const c of openingEnds) if (c < lastClosingFence) openingEnd = c;
  for (let i = openingEnd + 1; i <= lastClosingFence; i++) {
    const end = closingEnd(i);
    if (end !== -1) return end + 1;
  }
  return 0;
}

class Tracked {
  constructor(text) {
    // Original lines end at \r\n, \r or \n (mermaid turns all three into \n).
    let s = '';
    const lines = [];
    let line = 1;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '\r') {
        s += '\n';
        lines.push(line);
        if (text[i + 1] === '\n') i++;
        line++;
      } else {
        s += c;
        lines.push(line);
        if (c === '\n') line++;
      }
    }
    this.s = s;
    this.lines = lines;
    this.lastLine = line;
  }
  cut(start, end) {
    if (end <= start) return;
    this.s = this.s.slice(0, start) + this.s.slice(end);
    this.lines.splice(start, end - start);
  }
  removeAll(re) {
    const ranges = [];
    re.lastIndex = 0;
    for (const m of this.s.matchAll(re)) ranges.push([m.index, m.index + m[0].length]);
    for (let k = ranges.length - 1; k >= 0; k--) this.cut(ranges[k][0], ranges[k][1]);
  }
  // 1-based line in `text` of the first character of 1-based line n of this.s.
  originalLine(n) {
    let line = 1;
    for (let i = 0; i < this.s.length; i++) {
      if (line === n) return this.lines[i];
      if (this.s[i] === '\n') line++;
    }
    // past the end: the parser appends "\n", errors at EOF point after the last line
    return this.lines.length ? this.lines[this.lines.length - 1] : 1;
  }
}

// Diagram types whose db sets preserveCommentsWhenParsing (they parse with comment lines kept).
const KEEPS_COMMENTS = new Set(['agentflow', 'eventmodeling']);

function lineMap(text, type) {
  const t = new Tracked(text);
  t.cut(0, frontMatterLength(t.s));
  t.removeAll(DIRECTIVE_RE);
  if (!KEEPS_COMMENTS.has(type)) {
    t.removeAll(COMMENT_RE);
    const lead = t.s.length - t.s.trimStart().length;
    t.cut(0, lead);
  }
  return t;
}

// ---------------------------------------------------------------------------
// Errors -> one line + line number.

function oneLine(s) {
  return String(s)
    .replace(/\r?\n[-\s]*\^\s*(\r?\n|$)/g, ' | ') // jison's "-----^" pointer line
    .replace(/\s*\r?\n\s*/g, ' | ')
    .replace(/\s+/g, ' ')
    .trim();
}

function errorLineInParsedText(err) {
  // jison parsers: err.hash.line is the 0-based line of "Parse error on line N" / "Lexical error on line N".
  const hash = err && err.hash;
  if (hash) {
    if (Number.isInteger(hash.line)) return hash.line + 1;
    if (hash.loc && Number.isInteger(hash.loc.first_line)) return hash.loc.first_line;
  }
  // langium parsers: "Parsing failed: Lexer error on line N, column M: ..." / "Parse error on line N, ...".
  const msg = String((err && err.message) || err || '');
  const m = /\b(?:error|failed) on line (\d+)/i.exec(msg);
  return m ? Number(m[1]) : null;
}

function detectType(text) {
  try {
    return mermaid.detectType ? mermaid.detectType(text) : undefined;
  } catch {
    return undefined;
  }
}

// Misbehaviour on demand, to test the callers' recovery (only with MERMAID_JS_TEST_HOOKS=1).
const TEST_HOOKS = process.env.MERMAID_JS_TEST_HOOKS === '1';
function testHook(text) {
  const what = text.slice('%%harness:'.length).split('\n')[0].trim();
  if (what === 'hang') for (;;);
  if (what === 'exit') process.exit(3);
  if (what === 'async-throw') setTimeout(() => { throw new Error('thrown later'); }, 0);
  if (what === 'async-reject') Promise.reject(new Error('rejected later'));
  if (what === 'stdout') { process.stdout.write('noise on stdout\n'); console.log('console noise'); }
}

async function verdict(id, text) {
  if (typeof text !== 'string') {
    return { id, ok: false, error: 'bad request: "text" must be a string', line: null };
  }
  if (TEST_HOOKS && text.startsWith('%%harness:')) testHook(text);
  let timer;
  try {
    const result = await new Promise((resolve, reject) => {
      current = { reject };
      timer = setTimeout(() => reject(new Error(`timeout: mermaid.parse took over ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      Promise.resolve()
        .then(() => mermaid.parse(text, { suppressErrors: false }))
        .then(resolve, reject);
    });
    if (!result) return { id, ok: false, error: 'mermaid.parse returned false', line: null };
    return { id, ok: true, type: result.diagramType };
  } catch (err) {
    const message = oneLine((err && err.message) || err || 'unknown error') || 'unknown error';
    let line = null;
    const parsedLine = errorLineInParsedText(err);
    if (parsedLine !== null && !/^timeout:/.test(message) && !/No diagram type detected/.test(message)) {
      try {
        line = lineMap(text, detectType(text)).originalLine(parsedLine);
      } catch (e) {
        toStderr('line map failed:', e);
      }
    }
    return { id, ok: false, error: message, line };
  } finally {
    clearTimeout(timer);
    current = null;
  }
}

// ---------------------------------------------------------------------------

if (process.argv.includes('--hello')) emit({ ready: true, mermaid: mermaidVersion, jsdom: jsdomVersion });

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
for await (const raw of rl) {
  if (!raw.trim()) continue;
  let req;
  try {
    req = JSON.parse(raw);
  } catch (e) {
    emit({ id: null, ok: false, error: `bad request: ${oneLine(e.message)}`, line: null });
    continue;
  }
  const id = req && Object.prototype.hasOwnProperty.call(req, 'id') ? req.id : null;
  let out;
  try {
    out = await verdict(id, req && req.text);
  } catch (e) {
    out = { id, ok: false, error: `internal: ${oneLine((e && e.message) || e)}`, line: null };
  }
  emit(out);
}
process.exit(0);
