// carryon's browser page. The listing around this script is complete without it; the script adds copy buttons,
// uploads over tus 1.0 (resumable across reloads, browser and server restarts) and the live transfers view.
// What it knows about the server comes from data- attributes of <body>, written by the server.

const MiB = 1024 * 1024;
const body = document.body;
const cfg = {
  dir: body.dataset.dir || '/',
  uploads: body.dataset.uploads === 'on',
  uploadPath: body.dataset.uploadPath || '/uploads/',
  tokenRequired: body.dataset.uploadToken === 'required',
  maxUploadSize: Number(body.dataset.maxUploadSize || 0),
  journal: body.dataset.journal === 'on',
};
const TOKEN_KEY = 'carryon.token';
const UPLOAD_KEY_PREFIX = 'carryon.upload:';
// 8 MiB a PATCH; a smaller size can be set for slow links (localStorage 'carryon.chunkSize', in bytes).
const CHUNK = clamp(Number(localStorage.getItem('carryon.chunkSize')) || 8 * MiB, 64 * 1024, 256 * MiB);
const PARALLEL_UPLOADS = 2;

function clamp(v, lo, hi) { return Math.min(hi, Math.max(lo, v)); }

/** A DOM element: h('li', {class: 'x', 'data-id': 1}, 'text', child). */
function h(tag, attrs = {}, ...children) {
  const svg = tag.startsWith('svg:');
  const el = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}

function humanSize(n) {
  if (n === null || n === undefined || !Number.isFinite(n)) return '?';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n, u = -1;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}

function humanDuration(s) {
  if (!Number.isFinite(s) || s < 0) return '';
  if (s < 60) return `${Math.ceil(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

// The listing's convention (the server renders its dates in UTC), so that one page never mixes two clocks.
function timeOf(ms) {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

// One polite live region for short announcements (copied, finished).
const live = h('div', {class: 'vh', role: 'status', 'aria-live': 'polite'});
body.append(live);
function announce(text) { live.textContent = ''; setTimeout(() => { live.textContent = text; }, 50); }

// ---------------------------------------------------------------- copy buttons

function enhanceCopyButtons(root = document) {
  for (const b of root.querySelectorAll('button.copy[hidden]')) b.hidden = false;
}

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try { await navigator.clipboard.writeText(text); return true; } catch { /* fall back below */ }
  }
  const area = h('textarea', {class: 'vh', readonly: true, 'aria-hidden': 'true'});
  area.value = text;
  body.append(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch { ok = false; }
  area.remove();
  return ok;
}

document.addEventListener('click', async (ev) => {
  const button = ev.target.closest('button.copy');
  if (!button) return;
  const code = button.closest('.cmd')?.querySelector('code');
  if (!code) return;
  const ok = await copyText(code.textContent);
  button.textContent = ok ? 'Copied' : 'Select and copy';
  button.classList.toggle('done', ok);
  announce(ok ? 'Command copied' : 'Copying failed: select the command and copy it');
  if (!ok) {
    const range = document.createRange();
    range.selectNodeContents(code);
    const sel = getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
  setTimeout(() => { button.textContent = 'Copy'; button.classList.remove('done'); }, 2000);
});

enhanceCopyButtons();

// ---------------------------------------------------------------- listing refresh

/** Fetches this directory's page again and swaps its file table in (one renderer: the server's). */
async function refreshListing() {
  try {
    const r = await fetch(location.pathname, {headers: {Accept: 'text/html'}, cache: 'no-store'});
    if (!r.ok) return;
    const doc = new DOMParser().parseFromString(await r.text(), 'text/html');
    const fresh = doc.querySelector('#files tbody');
    const old = document.querySelector('#files tbody');
    if (fresh && old) {
      const node = document.importNode(fresh, true);
      old.replaceWith(node);
      enhanceCopyButtons(node);
    }
  } catch { /* the next completion refreshes again */ }
}

// ---------------------------------------------------------------- token

function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }
function authHeaders() { const t = token(); return t ? {Authorization: `Bearer ${t}`} : {}; }

// ---------------------------------------------------------------- uploads (tus 1.0)

const endpoint = new URL(cfg.uploadPath, location.origin).href;
let serverInfo = null;

/** OPTIONS on the endpoint: which extensions and checksum algorithms it has. */
async function discover() {
  if (serverInfo) return serverInfo;
  const r = await fetch(endpoint, {method: 'OPTIONS', headers: {'Tus-Resumable': '1.0.0'}});
  const ext = (r.headers.get('Tus-Extension') || '').split(',').map((s) => s.trim());
  const algos = (r.headers.get('Tus-Checksum-Algorithm') || '').split(',').map((s) => s.trim().toLowerCase());
  serverInfo = {
    extensions: ext,
    // crypto.subtle exists only in secure contexts (https, or http on 127.0.0.1 and localhost).
    checksum: ext.includes('checksum') && algos.includes('sha256') && !!(window.crypto && crypto.subtle),
    termination: ext.includes('termination'),
    maxSize: Number(r.headers.get('Tus-Max-Size') || 0),
  };
  return serverInfo;
}

function b64(bytes) {
  let s = '';
  const a = new Uint8Array(bytes);
  for (let i = 0; i < a.length; i += 0x8000) s += String.fromCharCode(...a.subarray(i, i + 0x8000));
  return btoa(s);
}
function b64text(text) { return b64(new TextEncoder().encode(text)); }

function fingerprint(file) {
  return UPLOAD_KEY_PREFIX + JSON.stringify([file.name, file.size, file.lastModified, endpoint]);
}

function remembered() {
  const out = [];
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if (!k || !k.startsWith(UPLOAD_KEY_PREFIX)) continue;
    try {
      const v = JSON.parse(localStorage.getItem(k));
      const [name, size, , ep] = JSON.parse(k.slice(UPLOAD_KEY_PREFIX.length));
      if (ep === endpoint) out.push({key: k, name, size, ...v});
    } catch { localStorage.removeItem(k); }
  }
  return out;
}

class HttpError extends Error {
  constructor(status, message, retry = false) { super(message); this.status = status; this.retry = retry; }
}

const slots = {running: 0, waiting: []};
function acquire() {
  if (slots.running < PARALLEL_UPLOADS) { slots.running++; return Promise.resolve(); }
  return new Promise((resolve) => slots.waiting.push(resolve));
}
function release() {
  const next = slots.waiting.shift();
  if (next) next(); else slots.running--;
}

const uploads = new Map(); // fingerprint -> Upload

class Upload {
  constructor(file) {
    this.file = file;
    this.key = fingerprint(file);
    this.url = null;
    this.offset = 0;
    this.resumedFrom = null;
    this.state = 'queued';
    this.attempt = 0;
    this.samples = [];
    this.controller = null;
    this.retryTimer = null;
    this.stopped = false;
    this.buildRow();
  }

  buildRow() {
    const f = this.file;
    this.progress = h('progress', {max: f.size || 1, value: 0, 'aria-label': `Upload of ${f.name}`});
    this.status = h('p', {class: 'state', role: 'status', 'aria-live': 'polite'});
    this.pauseButton = h('button', {type: 'button', class: 'pause'}, 'Pause');
    this.cancelButton = h('button', {type: 'button', class: 'cancel'}, 'Cancel');
    this.pauseButton.addEventListener('click', () => (this.state === 'running' || this.state === 'waiting' || this.state === 'queued'
      ? this.pause() : this.start()));
    this.cancelButton.addEventListener('click', () => this.cancel());
    this.row = h('li', {'data-name': f.name, 'data-size': f.size},
      h('span', {class: 'fname'}, f.name),
      h('span', {class: 'actions'}, this.pauseButton, this.cancelButton),
      this.progress, this.status);
    document.getElementById('upload-list').prepend(this.row);
    this.show('Waiting for its turn');
  }

  show(text, kind = '') {
    this.status.textContent = text;
    this.status.className = `state ${kind}`;
    this.row.dataset.state = this.state;
    this.row.dataset.offset = String(this.offset);
    if (this.resumedFrom !== null) this.row.dataset.resumedFrom = String(this.resumedFrom);
    this.progress.value = this.offset;
    const active = this.state === 'running' || this.state === 'waiting' || this.state === 'queued';
    this.pauseButton.textContent = active ? 'Pause' : 'Resume';
    this.pauseButton.hidden = this.state === 'done' || this.state === 'cancelled';
    this.cancelButton.hidden = this.state === 'done' || this.state === 'cancelled';
  }

  progressText() {
    const f = this.file;
    const now = performance.now();
    this.samples.push([now, this.offset]);
    while (this.samples.length > 2 && now - this.samples[0][0] > 5000) this.samples.shift();
    const [t0, o0] = this.samples[0];
    const speed = now > t0 ? (this.offset - o0) / ((now - t0) / 1000) : 0;
    this.row.dataset.speed = String(Math.round(speed));
    const pct = f.size ? Math.floor((this.offset / f.size) * 100) : 100;
    let text = `${pct}% · ${humanSize(this.offset)} of ${humanSize(f.size)}`;
    if (speed > 0) text += ` · ${humanSize(speed)}/s · ${humanDuration((f.size - this.offset) / speed)} left`;
    if (this.resumedFrom) text += ` · resumed at ${humanSize(this.resumedFrom)}`;
    return text;
  }

  async start() {
    if (this.state === 'running' || this.state === 'done' || this.state === 'cancelled') return;
    clearTimeout(this.retryTimer);
    this.stopped = false;
    this.state = 'queued';
    this.show('Waiting for its turn');
    await acquire();
    try {
      if (this.stopped) return;
      await this.run();
    } finally {
      release();
    }
  }

  async run() {
    this.state = 'running';
    this.controller = new AbortController();
    const signal = this.controller.signal;
    try {
      const info = await discover();
      if (info.maxSize && this.file.size > info.maxSize) {
        throw new HttpError(413, `This file is larger than the server takes (${humanSize(info.maxSize)}).`);
      }
      if (!this.url) {
        const stored = localStorage.getItem(this.key);
        if (stored) this.url = JSON.parse(stored).url;
      }
      let offset = null;
      if (this.url) {
        this.show('Asking the server how much it has');
        offset = await this.head(signal);
        if (offset === null) {
          this.forget();
          this.url = null;
        }
      }
      if (this.url === null) {
        this.show('Starting');
        await this.create(signal);
        offset = 0;
      }
      if (this.resumedFrom === null) this.resumedFrom = offset;
      this.offset = offset;
      this.samples = [];
      this.show(this.progressText());
      while (this.offset < this.file.size) {
        this.offset = await this.patch(this.offset, info.checksum, signal);
        this.attempt = 0;
        this.remember();
        this.show(this.progressText());
      }
      this.state = 'done';
      this.forget();
      this.show(`Uploaded ${humanSize(this.file.size)}${this.resumedFrom ? `, resumed at ${humanSize(this.resumedFrom)}` : ''}`, 'done');
      announce(`${this.file.name} uploaded`);
      refreshListing();
      renderRemembered();
    } catch (e) {
      if (this.stopped) return; // paused or cancelled: they say so themselves
      if (e instanceof HttpError && !e.retry) {
        this.state = 'failed';
        this.show(e.message, 'error');
        if (e.status === 401 || e.status === 403) askForToken('The server refused the token; enter a valid one.');
        return;
      }
      // A network error or a server error: back off, then ask the server where it stands and go on.
      this.attempt++;
      const delay = Math.min(30, 2 ** (this.attempt - 1));
      this.state = 'waiting';
      this.show(`Connection lost (${e.message || e}); retrying in ${delay} s (attempt ${this.attempt})`, 'error');
      this.retryTimer = setTimeout(() => { if (!this.stopped) this.start(); }, delay * 1000);
    }
  }

  headers(extra = {}) { return {'Tus-Resumable': '1.0.0', ...authHeaders(), ...extra}; }

  /** The server's offset for the remembered upload; null when it no longer has it. */
  async head(signal) {
    const r = await fetch(this.url, {method: 'HEAD', headers: this.headers(), cache: 'no-store', signal});
    if (r.status === 404 || r.status === 410 || r.status === 403) return null;
    if (r.status === 401) throw new HttpError(401, 'The server wants an upload token.');
    if (!r.ok) throw new HttpError(r.status, `The server answered ${r.status}`, r.status >= 500 || r.status === 423);
    const o = Number(r.headers.get('Upload-Offset'));
    if (!Number.isFinite(o)) throw new HttpError(r.status, 'The server sent no Upload-Offset', true);
    return o;
  }

  async create(signal) {
    const f = this.file;
    let meta = `filename ${b64text(f.name)}`;
    if (f.type) meta += `,filetype ${b64text(f.type)}`;
    const r = await fetch(endpoint, {
      method: 'POST', signal,
      headers: this.headers({'Upload-Length': String(f.size), 'Upload-Metadata': meta}),
    });
    if (r.status !== 201) throw await this.refusal(r);
    const location = r.headers.get('Location');
    if (!location) throw new HttpError(r.status, 'The server sent no Location for the upload');
    this.url = new URL(location, endpoint).href;
    this.remember();
  }

  async patch(offset, checksum, signal) {
    const f = this.file;
    const chunk = f.slice(offset, Math.min(f.size, offset + CHUNK));
    const headers = this.headers({'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream'});
    let bodyData = chunk;
    if (checksum) {
      bodyData = await chunk.arrayBuffer();
      headers['Upload-Checksum'] = `sha256 ${b64(await crypto.subtle.digest('SHA-256', bodyData))}`;
    }
    const r = await fetch(this.url, {method: 'PATCH', headers, body: bodyData, signal});
    if (r.status === 204 || r.status === 200) {
      const o = Number(r.headers.get('Upload-Offset'));
      if (!Number.isFinite(o) || o < offset) throw new HttpError(r.status, 'The server sent a wrong Upload-Offset', true);
      return o;
    }
    if (r.status === 409) {
      // Another offset on the server (an earlier request went further, or less of it arrived): ask and go on.
      const o = await this.head(signal);
      if (o === null) throw new HttpError(410, 'The server no longer has this upload; choose the file again to start over.');
      return o;
    }
    if (r.status === 460) {
      throw new HttpError(460, 'A chunk arrived damaged (checksum mismatch)', true);
    }
    if (r.status === 404 || r.status === 410) {
      this.forget();
      this.url = null;
      throw new HttpError(r.status, 'The server no longer has this upload; choose the file again to start over.');
    }
    throw await this.refusal(r);
  }

  async refusal(r) {
    let text = '';
    try { text = (await r.text()).split('\n').slice(1).join(' ').trim(); } catch { /* no body */ }
    const retry = r.status >= 500 || r.status === 423 || r.status === 429;
    const why = r.status === 401 ? 'The server wants a valid upload token.' : `The server answered ${r.status}${text ? `: ${text}` : ''}`;
    return new HttpError(r.status, why, retry);
  }

  remember() {
    if (!this.url) return;
    localStorage.setItem(this.key, JSON.stringify({url: this.url, offset: this.offset, saved: Date.now()}));
  }

  forget() { localStorage.removeItem(this.key); }

  pause() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    if (this.controller) this.controller.abort();
    this.state = 'paused';
    this.show(`Paused at ${humanSize(this.offset)}; Resume goes on from there`);
  }

  async cancel() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    if (this.controller) this.controller.abort();
    this.state = 'cancelled';
    const url = this.url || (JSON.parse(localStorage.getItem(this.key) || 'null') || {}).url;
    this.forget();
    this.show('Cancelled');
    uploads.delete(this.key);
    if (url) {
      try { await fetch(url, {method: 'DELETE', headers: this.headers()}); } catch { /* expires on the server */ }
    }
    renderRemembered();
  }
}

function addFiles(files) {
  if (cfg.tokenRequired && !token()) {
    askForToken('Enter the upload token first.');
    return;
  }
  for (const file of files) {
    const key = fingerprint(file);
    const existing = uploads.get(key);
    if (existing && existing.state !== 'cancelled' && existing.state !== 'done') {
      existing.start(); // the same file again: go on with the one we have
      continue;
    }
    const u = new Upload(file);
    uploads.set(key, u);
    u.start();
  }
  renderRemembered();
}

function renderRemembered() {
  const list = document.getElementById('remembered');
  if (!list) return;
  const active = new Set([...uploads.values()].filter((u) => u.state !== 'cancelled').map((u) => u.key));
  const rest = remembered().filter((r) => !active.has(r.key));
  list.replaceChildren(...rest.map((r) => {
    const forget = h('button', {type: 'button'}, 'Forget');
    forget.addEventListener('click', async () => {
      localStorage.removeItem(r.key);
      try { await fetch(r.url, {method: 'DELETE', headers: {'Tus-Resumable': '1.0.0', ...authHeaders()}}); } catch { /* expires */ }
      renderRemembered();
    });
    return h('li', {}, h('span', {class: 'fname'}, r.name), forget,
      h('span', {class: 'state'}, `${humanSize(r.offset || 0)} of ${humanSize(r.size)} sent; choose this file again to resume`));
  }));
  document.getElementById('remembered-box').hidden = rest.length === 0;
}

function askForToken(message) {
  const form = document.getElementById('token-form');
  if (!form) return;
  form.hidden = false;
  const msg = document.getElementById('token-msg');
  msg.textContent = message || '';
  msg.classList.toggle('error', !!message);
  document.getElementById('token').focus();
}

async function checkToken(t) {
  // The transfers API takes the same tokens; without the journal the first upload tells.
  if (!cfg.journal) return true;
  try {
    const r = await fetch('/-/api/transfers?state=active&limit=0', {headers: {Authorization: `Bearer ${t}`}, cache: 'no-store'});
    return r.status !== 401;
  } catch { return true; }
}

function setUpUploads() {
  const section = document.getElementById('upload');
  if (!section || !cfg.uploads) return;
  section.hidden = false;
  const ui = document.getElementById('upload-ui');
  const input = document.getElementById('file-input');
  const drop = document.getElementById('drop');
  const form = document.getElementById('token-form');

  ui.append(h('div', {id: 'remembered-box', class: 'note', hidden: true},
    h('p', {}, 'Unfinished uploads from before (this browser remembers them):'),
    h('ul', {id: 'remembered', class: 'ulist'})));

  if (cfg.tokenRequired) {
    const have = !!token();
    form.hidden = have;
    ui.hidden = !have;
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const t = document.getElementById('token').value.trim();
      if (!t) return;
      const msg = document.getElementById('token-msg');
      if (!(await checkToken(t))) {
        msg.textContent = 'The server refused this token.';
        msg.classList.add('error');
        return;
      }
      sessionStorage.setItem(TOKEN_KEY, t);
      msg.textContent = '';
      msg.classList.remove('error');
      form.hidden = true;
      ui.hidden = false;
      announce('Token accepted; you can upload');
      drop.focus();
      pollTransfers(true);
    });
  }

  drop.addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    if (input.files && input.files.length) addFiles([...input.files]);
    input.value = '';
  });
  for (const type of ['dragenter', 'dragover']) {
    drop.addEventListener(type, (ev) => { ev.preventDefault(); drop.classList.add('over'); });
  }
  for (const type of ['dragleave', 'dragend']) drop.addEventListener(type, () => drop.classList.remove('over'));
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    const files = [...(ev.dataTransfer?.files || [])];
    if (files.length) addFiles(files);
  });
  // A file dropped beside the zone must not make the browser navigate away from the page.
  window.addEventListener('dragover', (ev) => ev.preventDefault());
  window.addEventListener('drop', (ev) => ev.preventDefault());
  renderRemembered();
}

// ---------------------------------------------------------------- live transfers

let transfersTimer = null;

function coverageBar(size, coverage) {
  const W = 1000;
  const svg = h('svg:svg', {class: 'bar', viewBox: `0 0 ${W} 10`, preserveAspectRatio: 'none', role: 'img'});
  svg.append(h('svg:rect', {class: 'track', x: 0, y: 0, width: W, height: 10}));
  if (size > 0) {
    for (const [start, end] of coverage || []) {
      const x = (start / size) * W;
      const w = Math.max(0.5, ((end - start) / size) * W);
      svg.append(h('svg:rect', {class: 'seg', x: x.toFixed(2), y: 0, width: w.toFixed(2), height: 10}));
    }
  }
  return svg;
}

function downloadItem(d) {
  const pct = d.size > 0 ? Math.floor((d.covered / d.size) * 100) : 100;
  const bar = coverageBar(d.size, d.coverage);
  bar.setAttribute('aria-label', `${pct}% of ${d.path} sent, in ${(d.coverage || []).length} pieces`);
  const who = [d.client, d.userAgent].filter(Boolean).join(' · ');
  // The journal counts a request when its response has ended: none yet while the first ones still run.
  let state = `${pct}% sent · ${humanSize(d.covered)} of ${humanSize(d.size)}`;
  if (d.requests > 0) state += ` · ${d.requests} request${d.requests === 1 ? '' : 's'} done`;
  if (d.state === 'active' && d.bytesPerSecond > 0) state += ` · ${humanSize(d.bytesPerSecond)}/s`;
  if (d.state === 'idle') state += ' · idle';
  return h('li', {'data-kind': 'download', 'data-id': d.id, 'data-path': d.path, 'data-state': d.state,
    'data-covered': d.covered, 'data-size': d.size, 'data-percent': pct, 'data-segments': (d.coverage || []).length},
  h('span', {class: 'fname'}, d.path), h('span', {class: 'meta'}, who),
  bar, h('span', {class: 'state'}, state));
}

function uploadItem(u) {
  const known = u.length !== null && u.length !== undefined;
  const pct = known && u.length > 0 ? Math.floor((u.offset / u.length) * 100) : (known ? 100 : null);
  const p = h('progress', {max: known ? Math.max(1, u.length) : null, value: known ? u.offset : null,
    'aria-label': `Upload of ${u.name || u.id}`});
  let state = known ? `${pct}% · ${humanSize(u.offset)} of ${humanSize(u.length)}` : `${humanSize(u.offset)} so far`;
  if (u.state === 'active' && u.bytesPerSecond > 0) state += ` · ${humanSize(u.bytesPerSecond)}/s`;
  if (u.state === 'idle') state += ' · idle';
  const parts = u.parts || [];
  // A file sent in parallel parts (tus concatenation, e.g. carryon put -x 4) is one upload: its parts go under it.
  if (parts.length) state += ` · ${parts.length} parts`;
  return h('li', {'data-kind': 'upload', 'data-id': u.id, 'data-state': u.state, 'data-offset': u.offset,
    'data-parts': parts.length},
  h('span', {class: 'fname'}, u.name || u.id), h('span', {class: 'meta'}, `since ${timeOf(u.created)}`),
  p, h('span', {class: 'state'}, state),
  parts.length ? h('ol', {class: 'parts'}, ...parts.map(partItem)) : null);
}

function partItem(p, i, all) {
  const known = p.length !== null && p.length !== undefined;
  const pct = known && p.length > 0 ? Math.floor((p.offset / p.length) * 100) : (known ? 100 : null);
  let state = known ? `${pct}% · ${humanSize(p.offset)} of ${humanSize(p.length)}` : `${humanSize(p.offset)} so far`;
  if (p.state === 'done') state = `complete · ${humanSize(p.offset)}`;
  else if (p.state === 'active' && p.bytesPerSecond > 0) state += ` · ${humanSize(p.bytesPerSecond)}/s`;
  else if (p.state === 'idle') state += ' · idle';
  return h('li', {'data-kind': 'part', 'data-id': p.id, 'data-state': p.state, 'data-offset': p.offset},
    h('span', {class: 'fname'}, `part ${i + 1} of ${all.length}`),
    h('progress', {max: known ? Math.max(1, p.length) : null, value: known ? p.offset : null,
      'aria-label': `Part ${i + 1} of ${all.length}`}),
    h('span', {class: 'state'}, state));
}

function doneItem(t) {
  const isDownload = t.kind === 'download';
  const name = isDownload ? t.path : (t.name || t.id);
  const pct = isDownload ? (t.size > 0 ? Math.floor((t.covered / t.size) * 100) : 100) : 100;
  const what = isDownload
    ? `downloaded${pct < 100 ? ` ${pct}%` : ''} by ${t.client || 'a client'} in ${t.requests} request${t.requests === 1 ? '' : 's'}`
    : `uploaded (${humanSize(t.length ?? t.offset)}${(t.parts || []).length ? ` in ${t.parts.length} parts` : ''})`;
  const attrs = {'data-kind': t.kind, 'data-id': t.id, 'data-state': t.state};
  if (isDownload) Object.assign(attrs, {'data-path': t.path, 'data-covered': t.covered, 'data-size': t.size, 'data-percent': pct});
  return h('li', attrs, h('span', {class: 'fname'}, name), h('span', {class: 'meta'}, timeOf(t.lastActivity)),
    isDownload ? coverageBar(t.size, t.coverage) : null, h('span', {class: 'state'}, what));
}

function renderTransfers(data) {
  const downloads = data.downloads || [];
  const ups = data.uploads || [];
  // In progress means bytes moved in the last 10 s: a session gone quiet (idle), such as a probe's few requests
  // once they are over, is not listed.
  const activeDownloads = downloads.filter((d) => d.state === 'active');
  const activeUploads = ups.filter((u) => u.state === 'active');
  const done = [
    ...downloads.filter((d) => d.state === 'done').map((d) => ({...d, kind: 'download'})),
    ...ups.filter((u) => u.state === 'done').map((u) => ({...u, kind: 'upload'})),
  ].sort((a, b) => b.lastActivity - a.lastActivity).slice(0, 10);
  const empty = (text) => h('li', {class: 'none'}, h('span', {class: 'meta'}, text));
  document.getElementById('t-downloads').replaceChildren(...(activeDownloads.length ? activeDownloads.map(downloadItem) : [empty('None right now.')]));
  document.getElementById('t-uploads').replaceChildren(...(activeUploads.length ? activeUploads.map(uploadItem) : [empty('None right now.')]));
  document.getElementById('t-done').replaceChildren(...(done.length ? done.map(doneItem) : [empty('Nothing yet.')]));
  document.getElementById('transfers-status').textContent = `Updated at ${timeOf(data.now)}.`;
}

async function pollTransfers(now = false) {
  const section = document.getElementById('transfers');
  if (!section || !cfg.journal) return;
  clearTimeout(transfersTimer);
  if (!now && document.hidden) {
    transfersTimer = setTimeout(pollTransfers, 1000);
    return;
  }
  if (cfg.tokenRequired && !token()) {
    // Asking without the token would only earn a 401: wait until one is entered (the form calls back).
    section.hidden = false;
    document.getElementById('transfers-status').textContent = 'The transfers list needs the upload token (above).';
    return;
  }
  let again = 1000;
  try {
    const r = await fetch('/-/api/transfers?state=all&limit=100', {headers: authHeaders(), cache: 'no-store'});
    if (r.status === 401) {
      section.hidden = false;
      document.getElementById('transfers-status').textContent = 'The transfers list needs the upload token.';
      again = 5000;
    } else if (r.status === 404) {
      section.hidden = true; // the journal is off
      return;
    } else if (r.ok) {
      section.hidden = false;
      renderTransfers(await r.json());
    } else {
      again = 3000;
    }
  } catch {
    document.getElementById('transfers-status').textContent = 'The server cannot be reached; trying again.';
    again = 3000;
  }
  transfersTimer = setTimeout(pollTransfers, again);
}

setUpUploads();
if (cfg.journal) {
  pollTransfers(true);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) pollTransfers(true); });
}
