#!/usr/bin/env node
'use strict';
// A fake of the CVAT v2 REST API (server >= 2.11 shapes), stdlib only.
// Written from CVAT's published OpenAPI schema (cvat/schema.yml) and its dataset
// manifest specification; see docs/notes/cvat-api.md and tests/fakes/README-cvat.md.
//
//   const fake = require('./cvat-fake');
//   const srv = await fake.start({ port: 0 });   // -> { url, port, close(), state }
//   node tests/fakes/cvat-fake.js --port 8089    // prints "READY http://127.0.0.1:8089"
//
// It cannot read real buckets: tests register cloud storages (and their manifest text)
// through the control API under /__control/ (not part of CVAT).

const http = require('http');
const crypto = require('crypto');

const PROVIDER_TYPES = ['AWS_S3_BUCKET', 'AZURE_CONTAINER', 'GOOGLE_DRIVE', 'GOOGLE_CLOUD_STORAGE'];
const CREDENTIALS_TYPES = ['KEY_SECRET_KEY_PAIR', 'ACCOUNT_NAME_TOKEN_PAIR', 'KEY_FILE_PATH', 'ANONYMOUS_ACCESS', 'CONNECTION_STRING'];
const SORTING_METHODS = ['lexicographical', 'natural', 'predefined', 'random'];
const STORAGE_METHODS = ['cache', 'file_system'];
const STORAGE_TYPES = ['cloud_storage', 'local', 'share'];
const LABEL_TYPES = ['any', 'cuboid', 'ellipse', 'mask', 'points', 'polygon', 'polyline', 'rectangle', 'skeleton', 'tag'];
const INPUT_TYPES = ['checkbox', 'radio', 'number', 'text', 'select'];
const IMAGE_EXT = ['.jpg', '.jpeg', '.jpe', '.png', '.bmp', '.gif', '.tif', '.tiff', '.webp', '.jp2', '.pbm', '.pgm', '.ppm', '.pcd', '.bin'];
const VIDEO_EXT = ['.mp4', '.avi', '.mov', '.mkv', '.webm', '.mpg', '.mpeg', '.m4v', '.wmv', '.flv', '.3gp', '.ts', '.ogv'];
const ARCHIVE_EXT = ['.zip', '.tar', '.gz', '.tgz', '.7z', '.rar'];
const SECRET_KEYS = new Set(['password', 'password1', 'password2', 'new_password1', 'new_password2', 'old_password',
  'secret_key', 'key', 'session_token', 'connection_string', 'token', 'key_file']);
const DESCRIPTION = 'CVAT is completely re-designed and re-implemented version of Video Annotation Tool ' +
  'from Irvine, California tool. It is free, online, interactive video and image annotation tool ' +
  'for computer vision. (fake server for tests)';

class HttpError extends Error {
  constructor(status, body, headers) { super(typeof body === 'string' ? body : JSON.stringify(body)); this.status = status; this.body = body; this.headers = headers || {}; }
}
const required = () => ['This field is required.'];

function nowIso() { return new Date().toISOString(); }
function randHex(n) { return crypto.randomBytes(n).toString('hex'); }
function extOf(name) { const b = name.split('/').pop(); const i = b.lastIndexOf('.'); return i > 0 ? b.slice(i).toLowerCase() : ''; }
function mimeOf(name) {
  const e = extOf(name);
  if (IMAGE_EXT.includes(e)) return 'image';
  if (VIDEO_EXT.includes(e)) return 'video';
  if (ARCHIVE_EXT.includes(e)) return 'archive';
  if (e === '.pdf') return 'pdf';
  return 'unknown';
}
function versionAtLeast(v, want) {
  const a = String(v).split('.').map(Number), b = want.split('.').map(Number);
  for (let i = 0; i < 3; i++) { if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) > (b[i] || 0); }
  return true;
}
function naturalKey(s) { return s.split(/(\d+)/).map((p, i) => (i % 2 ? p.padStart(20, '0') : p)).join(''); }
function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
function globToRegex(glob) {
  return new RegExp('^' + glob.split('*').map(s => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*') + '$');
}
function fnmatchToRegex(p) {
  let r = '';
  for (const ch of p) r += ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp('^' + r + '$');
}

// ---------------------------------------------------------------- manifest (CVAT spec)
// Returns { ok, error, type, version, items:[{name,extension,full_name,width,height,meta,checksum}], properties }
function parseManifest(text) {
  const fail = (error) => ({ ok: false, error });
  if (typeof text !== 'string') return fail('manifest content is missing');
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  const parsed = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') return fail(`empty line ${i + 1} (each entry must be one non-empty line)`);
    try { parsed.push(JSON.parse(lines[i])); } catch (e) { return fail(`line ${i + 1} is not valid JSON`); }
  }
  const [v, t] = parsed;
  if (!v || typeof v !== 'object' || !['1.0', '1.1'].includes(v.version)) return fail('Incorrect version field');
  if (!t || typeof t !== 'object' || !['images', 'video'].includes(t.type)) return fail('Incorrect type field');
  if (t.type === 'video') {
    const p = parsed[2] && parsed[2].properties;
    if (!p || typeof p.name !== 'string') return fail('Incorrect name field');
    if (!Array.isArray(p.resolution)) return fail('Incorrect resolution field');
    if (!Number.isInteger(p.length) || p.length === 0) return fail('Incorrect length field');
    const frames = parsed.slice(3);
    for (const f of frames) {
      if (!Number.isInteger(f.number)) return fail('Incorrect number field');
      if (!Number.isInteger(f.pts)) return fail('Incorrect pts field');
    }
    return { ok: true, version: v.version, type: 'video', properties: p, items: [], frames };
  }
  const items = [];
  for (let i = 2; i < parsed.length; i++) {
    const it = parsed[i];
    if (!it || typeof it.name !== 'string') return fail(`Incorrect name field (line ${i + 1})`);
    if (typeof it.extension !== 'string') return fail(`Incorrect extension field (line ${i + 1})`);
    // CVAT's validator only checks the first item's name/extension, but building a task
    // from a cloud manifest reads width/height of every listed image (get_subset).
    if (!Number.isInteger(it.width) || !Number.isInteger(it.height)) return fail(`Incorrect width/height field (line ${i + 1})`);
    items.push({ name: it.name, extension: it.extension, full_name: it.name + it.extension,
      width: it.width, height: it.height, meta: it.meta, checksum: it.checksum });
  }
  return { ok: true, version: v.version, type: 'images', items };
}

// ---------------------------------------------------------------- body parsing
function parseMultipart(buf, contentType) {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType || '');
  if (!m) throw new HttpError(400, { detail: 'Multipart form parse error - Invalid boundary in multipart: None' });
  const boundary = Buffer.from('--' + (m[1] || m[2]).trim());
  const fields = [], files = [];
  let pos = buf.indexOf(boundary);
  if (pos < 0) throw new HttpError(400, { detail: 'Multipart form parse error - Invalid boundary in multipart: None' });
  while (true) {
    pos += boundary.length;
    if (buf.slice(pos, pos + 2).toString() === '--') break;
    if (buf.slice(pos, pos + 2).toString() === '\r\n') pos += 2;
    const headEnd = buf.indexOf('\r\n\r\n', pos);
    if (headEnd < 0) break;
    const headers = {};
    for (const line of buf.slice(pos, headEnd).toString('utf8').split('\r\n')) {
      const i = line.indexOf(':'); if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const next = buf.indexOf(boundary, headEnd + 4);
    if (next < 0) break;
    let end = next; if (buf[end - 2] === 13 && buf[end - 1] === 10) end -= 2;
    const data = buf.slice(headEnd + 4, end);
    const cd = headers['content-disposition'] || '';
    const name = (/\bname="([^"]*)"/i.exec(cd) || [])[1];
    const fnm = /\bfilename\*?="?([^";]*)"?/i.exec(cd);
    if (fnm) {
      let filename = fnm[1];
      if (/filename\*=/i.test(cd)) { filename = decodeURIComponent(filename.replace(/^UTF-8''/i, '')); }
      files.push({ field: name, filename, size: data.length, contentType: headers['content-type'] || 'application/octet-stream',
        sha256: crypto.createHash('sha256').update(data).digest('hex') });
    } else if (name !== undefined) fields.push([name, data.toString('utf8')]);
    pos = next;
  }
  return { fields, files };
}

// DRF-like handling of list fields in form data: "f[0]", "f[1]" ... (ListSerializer
// accepts only the indexed form); ListField also falls back to repeated plain keys.
function formList(fields, name, allowRepeated) {
  const idx = [];
  for (const [k, v] of fields) { const m = new RegExp('^' + name.replace(/[[\]]/g, '\\$&') + '\\[(\\d+)\\]$').exec(k); if (m) idx.push([Number(m[1]), v]); }
  if (idx.length) return idx.sort((a, b) => a[0] - b[0]).map(x => x[1]);
  if (allowRepeated) { const r = fields.filter(([k]) => k === name).map(([, v]) => v); if (r.length) return r; }
  return undefined;
}
function formScalar(fields, name) { const f = fields.find(([k]) => k === name); return f ? f[1] : undefined; }

function maskSecrets(v) {
  if (Array.isArray(v)) return v.map(maskSecrets);
  if (v && typeof v === 'object') {
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = SECRET_KEYS.has(k) ? '***' : maskSecrets(x);
    return o;
  }
  return v;
}

// ---------------------------------------------------------------- the server
function createState(opts) {
  return {
    users: {}, tokens: {}, sessions: {}, accessTokens: {},
    cloudStorages: [], projects: [], tasks: [], jobs: [], labels: [], requests: [],
    tus: {}, log: [], faults: [],
    seq: { user: 0, cs: 0, project: 0, task: 0, job: 0, label: 0, data: 0, log: 0 },
    config: {
      version: opts.version || '2.17.0',
      processingDelayMs: opts.processingDelayMs == null ? 150 : opts.processingDelayMs,
      syncValidation: !!opts.syncValidation,
      videoFrames: opts.videoFrames || 100,
      pageSizeDefault: 10,
    },
  };
}

function start(opts = {}) {
  const port = opts.port == null ? 0 : opts.port;
  const host = opts.host || '127.0.0.1';
  const state = createState(opts);
  const addUser = (username, password) => {
    const existing = Object.values(state.users).find(u => u.username === username);
    if (existing) { existing.password = password; return existing; }
    const u = { id: ++state.seq.user, username, password, first_name: '', last_name: '', email: `${username}@example.com` };
    state.users[username] = u; return u;
  };
  const initialUsers = opts.users || { admin: 'admin' };
  const seedUsers = () => { for (const [n, p] of Object.entries(initialUsers)) addUser(n, p); };
  seedUsers();
  for (const [tok, user] of Object.entries(opts.accessTokens || {})) state.accessTokens[tok] = user;

  let baseUrl = '';
  const sockets = new Set();

  // ---------------- helpers bound to state
  const basicUser = (u) => u ? { url: `${baseUrl}/api/users/${u.id}`, id: u.id, username: u.username, first_name: u.first_name, last_name: u.last_name } : null;
  const paginate = (req, q, items, mapFn) => {
    let pageSize = state.config.pageSizeDefault;
    if (q.page_size !== undefined) {
      if (q.page_size === 'all') pageSize = Math.max(items.length, 1);
      else { const n = Number(q.page_size); if (Number.isInteger(n) && n > 0) pageSize = Math.min(n, 1000); }
    }
    let page = 1;
    if (q.page !== undefined) { page = Number(q.page); if (!Number.isInteger(page) || page < 1) throw new HttpError(404, { detail: 'Invalid page.' }); }
    const pages = Math.max(1, Math.ceil(items.length / pageSize));
    if (page > pages) throw new HttpError(404, { detail: 'Invalid page.' });
    const link = (p) => { const u = new URL(baseUrl + req.pathOnly); for (const [k, v] of Object.entries(q)) if (k !== 'page') u.searchParams.set(k, v); if (p > 1) u.searchParams.set('page', String(p)); return u.toString(); };
    return { count: items.length, next: page < pages ? link(page + 1) : null, previous: page > 1 ? link(page - 1) : null,
      results: items.slice((page - 1) * pageSize, page * pageSize).map(mapFn) };
  };
  const csRead = (cs) => ({
    id: cs.id, owner: basicUser(cs.owner), manifests: cs.manifests.slice(), created_date: cs.created_date, updated_date: cs.updated_date,
    provider_type: cs.provider_type, resource: cs.resource, display_name: cs.display_name, credentials_type: cs.credentials_type,
    specific_attributes: cs.specific_attributes, description: cs.description, organization: null,
  });
  const labelRead = (l) => ({ id: l.id, name: l.name, color: l.color, attributes: l.attributes.map(a => ({ ...a })), type: l.type, svg: '',
    sublabels: [], project_id: l.project_id, task_id: l.task_id, parent_id: null, has_parent: false });
  const projectRead = (p) => {
    const tasks = state.tasks.filter(t => t.project_id === p.id);
    return { url: `${baseUrl}/api/projects/${p.id}`, id: p.id, name: p.name, owner: basicUser(p.owner), assignee: null, guide_id: null,
      bug_tracker: p.bug_tracker, task_subsets: [...new Set(tasks.map(t => t.subset).filter(Boolean))], created_date: p.created_date,
      updated_date: p.updated_date, status: 'annotation', dimension: tasks.length ? '2d' : null, organization: null,
      target_storage: null, source_storage: null, tasks: { count: tasks.length, url: `${baseUrl}/api/tasks?project_id=${p.id}` },
      labels: { url: `${baseUrl}/api/labels?project_id=${p.id}` }, assignee_updated_date: null };
  };
  const taskRead = (t) => {
    const jobs = state.jobs.filter(j => j.task_id === t.id);
    const d = t.data;
    return { url: `${baseUrl}/api/tasks/${t.id}`, id: t.id, name: t.name, project_id: t.project_id, mode: t.mode, owner: basicUser(t.owner),
      assignee: null, bug_tracker: t.bug_tracker, created_date: t.created_date, updated_date: t.updated_date, overlap: t.overlap,
      segment_size: t.segment_size, status: 'annotation', data_chunk_size: d ? d.chunk_size : null,
      data_compressed_chunk_type: d && d.size ? d.compressed_chunk_type : null, guide_id: null,
      data_original_chunk_type: d && d.size ? d.original_chunk_type : null, size: d ? d.size : 0, image_quality: d ? d.image_quality : null,
      data: d ? d.id : null, dimension: d && d.size ? '2d' : '', subset: t.subset, organization: null, target_storage: null, source_storage: null,
      jobs: { count: jobs.length, completed: 0, validation: 0, url: `${baseUrl}/api/jobs?task_id=${t.id}` },
      labels: { url: `${baseUrl}/api/labels?task_id=${t.id}` }, assignee_updated_date: null };
  };
  const jobRead = (j) => {
    const t = state.tasks.find(x => x.id === j.task_id);
    return { url: `${baseUrl}/api/jobs/${j.id}`, id: j.id, task_id: j.task_id, project_id: t ? t.project_id : null, assignee: null, guide_id: null,
      dimension: '2d', bug_tracker: t ? t.bug_tracker || null : null, status: 'annotation', stage: 'annotation', state: 'new', mode: t ? t.mode : 'annotation',
      frame_count: j.stop_frame - j.start_frame + 1, start_frame: j.start_frame, stop_frame: j.stop_frame,
      data_chunk_size: t && t.data ? t.data.chunk_size : null, data_compressed_chunk_type: t && t.data ? t.data.compressed_chunk_type : 'imageset',
      data_original_chunk_type: t && t.data ? t.data.original_chunk_type : 'imageset',
      created_date: j.created_date, updated_date: j.created_date, issues: { url: `${baseUrl}/api/issues?job_id=${j.id}`, count: 0 },
      labels: { url: `${baseUrl}/api/labels?job_id=${j.id}` }, type: 'annotation', organization: null, target_storage: null, source_storage: null,
      assignee_updated_date: null };
  };
  const requestRead = (r) => {
    const s = requestStatus(r);
    return { status: s.status, message: s.message, id: r.id,
      operation: { type: 'create:task', target: 'task', project_id: r.project_id, task_id: r.task_id, job_id: null, format: null, function_id: null },
      progress: s.status === 'queued' ? null : s.status === 'started' ? 0.5 : 1.0,
      created_date: r.created_date, started_date: s.started_date, finished_date: s.finished_date,
      expiry_date: s.finished_date ? new Date(Date.parse(s.finished_date) + 86400000).toISOString() : null,
      owner: { id: r.owner.id, username: r.owner.username }, result_url: null, result_id: s.status === 'finished' ? r.task_id : null };
  };
  // Processing is time based and applied lazily (no timers): queued for delay/2, started
  // for delay/2, then the precomputed outcome is applied.
  function requestStatus(r) {
    const d = r.delayMs, el = Date.now() - r.t0;
    if (r.done) return { status: r.outcome.ok ? 'finished' : 'failed', message: r.outcome.ok ? '' : r.outcome.message, started_date: r.started_date, finished_date: r.finished_date };
    if (el < d / 2) return { status: 'queued', message: '', started_date: null, finished_date: null };
    if (!r.started_date) r.started_date = new Date(r.t0 + d / 2).toISOString();
    if (el < d) return { status: 'started', message: 'Media files are being extracted...', started_date: r.started_date, finished_date: null };
    applyOutcome(r);
    return requestStatus(r);
  }
  function applyOutcome(r) {
    if (r.done) return;
    r.done = true; r.finished_date = new Date(r.t0 + r.delayMs).toISOString();
    const t = state.tasks.find(x => x.id === r.task_id);
    if (!t) { r.outcome = { ok: false, message: `cvat.apps.engine.models.Task.DoesNotExist: Task matching query does not exist.\n` }; return; }
    if (!r.outcome.ok) { t.data.status = 'failed'; return; }
    const o = r.outcome;
    Object.assign(t.data, { size: o.frames.length, frames: o.frames, start_frame: 0, stop_frame: Math.max(o.frames.length - 1, 0),
      chunk_size: t.data.chunk_size || o.chunk_size, compressed_chunk_type: o.mode === 'interpolation' && !t.data.use_zip_chunks ? 'video' : 'imageset',
      original_chunk_type: o.mode === 'interpolation' ? 'video' : 'imageset', status: 'finished', sorting_method: o.sorting_method });
    t.mode = o.mode; t.updated_date = nowIso();
    for (const [s, e] of o.segments) state.jobs.push({ id: ++state.seq.job, task_id: t.id, start_frame: s, stop_frame: e, created_date: nowIso() });
  }
  const advanceAll = () => { for (const r of state.requests) if (!r.done) requestStatus(r); };

  // ---------------- validation of labels (PatchedLabelRequest)
  function validateLabels(labels) {
    if (labels === undefined) return { labels: [] };
    if (!Array.isArray(labels)) return { error: ['Expected a list of items but got type "' + typeof labels + '".'] };
    let anyErr = false;
    const errs = labels.map((l) => {
      const e = {};
      if (!l || typeof l !== 'object' || Array.isArray(l)) return { non_field_errors: ['Invalid data. Expected a dictionary, but got ' + typeof l + '.'] };
      if (l.name === undefined) e.name = required();
      else if (typeof l.name !== 'string' || l.name === '') e.name = ['This field may not be blank.'];
      else if (l.name.length > 64) e.name = ['Ensure this field has no more than 64 characters.'];
      if (l.type !== undefined && !LABEL_TYPES.includes(l.type)) e.type = [`"${l.type}" is not a valid choice.`];
      if (l.attributes !== undefined) {
        if (!Array.isArray(l.attributes)) e.attributes = ['Expected a list of items but got type "' + typeof l.attributes + '".'];
        else {
          let aErr = false;
          const ae = l.attributes.map(a => {
            const x = {};
            for (const f of ['name', 'mutable', 'input_type', 'values']) if (!a || a[f] === undefined) x[f] = required();
            if (a && a.input_type !== undefined && !INPUT_TYPES.includes(a.input_type)) x.input_type = [`"${a.input_type}" is not a valid choice.`];
            if (a && a.values !== undefined && !Array.isArray(a.values)) x.values = ['Expected a list of items but got type "' + typeof a.values + '".'];
            if (Object.keys(x).length) aErr = true; return x;
          });
          if (aErr) e.attributes = ae;
        }
      }
      if (Object.keys(e).length) anyErr = true;
      return e;
    });
    if (anyErr) return { error: errs };
    const names = labels.map(l => l.name);
    if (new Set(names).size !== names.length) return { nonField: ['All label names must be unique'] };
    return { labels };
  }
  const makeLabels = (labels, owner) => labels.map(l => {
    const lab = { id: ++state.seq.label, name: l.name, color: l.color || '#' + randHex(3), type: l.type || 'any',
      attributes: (l.attributes || []).map((a, i) => ({ id: state.seq.label * 100 + i, name: a.name, mutable: !!a.mutable, input_type: a.input_type,
        default_value: a.default_value !== undefined ? String(a.default_value) : (a.values[0] !== undefined ? String(a.values[0]) : ''), values: a.values.map(String) })),
      project_id: owner.project_id || null, task_id: owner.task_id || null };
    state.labels.push(lab); return lab;
  });
  const intField = (body, errs, name, { min = 0, max = 2147483647, nullable = false } = {}) => {
    const v = body[name];
    if (v === undefined) return undefined;
    if (v === null) { if (nullable) return null; errs[name] = ['This field may not be null.']; return undefined; }
    const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
    if (!Number.isInteger(n)) { errs[name] = ['A valid integer is required.']; return undefined; }
    if (n < min) { errs[name] = [`Ensure this value is greater than or equal to ${min}.`]; return undefined; }
    if (n > max) { errs[name] = [`Ensure this value is less than or equal to ${max}.`]; return undefined; }
    return n;
  };
  const boolField = (body, errs, name, def) => {
    const v = body[name];
    if (v === undefined) return def;
    if (v === true || v === false) return v;
    const s = String(v).toLowerCase();
    if (['true', '1', 'yes', 'on', 't', 'y'].includes(s)) return true;
    if (['false', '0', 'no', 'off', 'f', 'n'].includes(s)) return false;
    errs[name] = ['Must be a valid boolean.']; return def;
  };

  // ---------------- auth
  function authenticate(req) {
    const h = req.headers.authorization;
    if (h) {
      const [scheme, ...rest] = h.split(' ');
      const cred = rest.join(' ').trim();
      if (/^token$/i.test(scheme)) {
        const u = state.tokens[cred]; if (!u || !state.users[u]) throw new HttpError(401, { detail: 'Invalid token.' }, { 'WWW-Authenticate': 'Token' });
        return { user: state.users[u], via: 'token' };
      }
      if (/^bearer$/i.test(scheme)) {
        const u = state.accessTokens[cred]; if (!u || !state.users[u]) throw new HttpError(401, { detail: 'Invalid token.' }, { 'WWW-Authenticate': 'Token' });
        return { user: state.users[u], via: 'access_token' };
      }
      if (/^basic$/i.test(scheme)) {
        let dec = ''; try { dec = Buffer.from(cred, 'base64').toString('utf8'); } catch (e) { /* ignore */ }
        const i = dec.indexOf(':');
        if (i < 0) throw new HttpError(401, { detail: 'Invalid basic header. Credentials not correctly base64 encoded.' }, { 'WWW-Authenticate': 'Token' });
        const u = state.users[dec.slice(0, i)];
        if (!u || u.password !== dec.slice(i + 1)) throw new HttpError(401, { detail: 'Invalid username/password.' }, { 'WWW-Authenticate': 'Token' });
        return { user: u, via: 'basic' };
      }
    }
    const sid = req.cookies.sessionid;
    if (sid && state.sessions[sid]) {
      const s = state.sessions[sid];
      if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
        const hdr = req.headers['x-csrftoken'];
        if (!req.cookies.csrftoken) throw new HttpError(403, { detail: 'CSRF Failed: CSRF cookie not set.' });
        if (!hdr) throw new HttpError(403, { detail: 'CSRF Failed: CSRF token missing.' });
        if (hdr !== req.cookies.csrftoken || hdr !== s.csrftoken) throw new HttpError(403, { detail: 'CSRF Failed: CSRF token incorrect.' });
      }
      return { user: state.users[s.username], via: 'session' };
    }
    throw new HttpError(401, { detail: 'Authentication credentials were not provided.' }, { 'WWW-Authenticate': 'Token' });
  }

  // ---------------- data attach logic
  function parseDataBody(req) {
    // Returns a plain object of DataRequest fields + client file infos.
    const ct = (req.headers['content-type'] || '').toLowerCase();
    if (ct.startsWith('multipart/form-data')) {
      const mp = parseMultipart(req.rawBody, req.headers['content-type']);
      req.logBody = { multipart: { fields: Object.fromEntries(mp.fields.map(([k, v]) => [k, SECRET_KEYS.has(k) ? '***' : v])), files: mp.files.map(f => ({ field: f.field, filename: f.filename, size: f.size, contentType: f.contentType })) } };
      const b = {};
      for (const [k, v] of mp.fields) if (!/\[\d+\]$/.test(k)) b[k] = v;
      const sf = formList(mp.fields, 'server_files', false); b.server_files = sf;
      const rf = formList(mp.fields, 'remote_files', false); b.remote_files = rf;
      for (const lf of ['server_files_exclude', 'upload_file_order']) { const v = formList(mp.fields, lf, true); if (v !== undefined) b[lf] = v; else delete b[lf]; }
      if (typeof b.job_file_mapping === 'string') { try { b.job_file_mapping = JSON.parse(b.job_file_mapping); } catch (e) { /* leave as string */ } }
      // client files: "client_files[N]" fields carry file parts (DRF reads them from request.FILES)
      const cf = mp.files.filter(f => /^client_files\[\d+\]$/.test(f.field || ''))
        .sort((a, c) => Number(/\[(\d+)\]/.exec(a.field)[1]) - Number(/\[(\d+)\]/.exec(c.field)[1]));
      b.client_files = cf.map(f => ({ name: f.filename, size: f.size, sha256: f.sha256, contentType: f.contentType }));
      b._ignoredFileParts = mp.files.filter(f => !/^client_files\[\d+\]$/.test(f.field || '')).map(f => f.field);
      if (b.server_files === undefined) delete b.server_files;
      if (b.remote_files === undefined) delete b.remote_files;
      return b;
    }
    if (!req.rawBody.length) { req.logBody = null; return {}; }
    let j;
    try { j = JSON.parse(req.rawBody.toString('utf8')); } catch (e) { throw new HttpError(400, { detail: `JSON parse error - ${e.message}` }); }
    req.logBody = maskSecrets(j);
    if (!j || typeof j !== 'object' || Array.isArray(j)) throw new HttpError(400, { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
    if (j.client_files !== undefined && Array.isArray(j.client_files) && j.client_files.length)
      throw new HttpError(400, { client_files: [{ file: ['The submitted data was not a file. Check the encoding type on the form.'] }] });
    return { ...j, client_files: [] };
  }

  function validateDataFields(b) {
    const errs = {};
    if (b.image_quality === undefined || b.image_quality === '') errs.image_quality = required();
    else intField(b, errs, 'image_quality', { min: 0, max: 100 });
    for (const f of ['chunk_size', 'start_frame', 'stop_frame']) intField(b, errs, f, { nullable: f === 'chunk_size' });
    if (errs.chunk_size === undefined && b.chunk_size !== undefined && b.chunk_size !== null && Number(b.chunk_size) <= 0) errs.chunk_size = ['Chunk size must be a positive integer'];
    const csId = intField(b, errs, 'cloud_storage_id', { nullable: true, min: -2147483648 });
    for (const f of ['use_zip_chunks', 'use_cache', 'copy_data']) boolField(b, errs, f, false);
    if (b.sorting_method !== undefined && !SORTING_METHODS.includes(b.sorting_method)) errs.sorting_method = [`"${b.sorting_method}" is not a valid choice.`];
    if (b.storage_method !== undefined && !STORAGE_METHODS.includes(b.storage_method)) errs.storage_method = [`"${b.storage_method}" is not a valid choice.`];
    if (b.storage !== undefined && !STORAGE_TYPES.includes(b.storage)) errs.storage = [`"${b.storage}" is not a valid choice.`];
    if (b.frame_filter !== undefined && b.frame_filter !== '' && !/step\s*=\s*([1-9]\d*)/.test(String(b.frame_filter))) errs.frame_filter = ['Invalid frame filter expression'];
    for (const f of ['server_files', 'remote_files', 'server_files_exclude', 'upload_file_order']) {
      if (b[f] === undefined) continue;
      if (!Array.isArray(b[f])) { errs[f] = ['Expected a list of items but got type "' + typeof b[f] + '".']; continue; }
      const ie = {}; b[f].forEach((x, i) => { if (typeof x !== 'string' || !x.length) ie[i] = ['This field may not be blank.']; else if (x.length > 1024) ie[i] = ['Ensure this field has no more than 1024 characters.']; });
      if (Object.keys(ie).length) errs[f] = ie;
    }
    if (b.job_file_mapping !== undefined) {
      if (!Array.isArray(b.job_file_mapping) || !b.job_file_mapping.every(x => Array.isArray(x) && x.every(y => typeof y === 'string'))) errs.job_file_mapping = ['Expected a list of items but got type "' + typeof b.job_file_mapping + '".'];
      else { const seen = new Set(); for (const f of b.job_file_mapping.flat()) { if (seen.has(f)) { errs.job_file_mapping = [`The same file '${f}' cannot be used multiple times in the job file mapping`]; break; } seen.add(f); } }
    }
    if (Object.keys(errs).length) throw new HttpError(400, errs);
    const nonField = [];
    if (b.start_frame !== undefined && b.stop_frame !== undefined && Number(b.start_frame) > Number(b.stop_frame)) nonField.push('Stop frame must be more or equal start frame');
    const server = b.server_files || [];
    if (b.filename_pattern && server.some(x => !x.endsWith('.jsonl'))) nonField.push('The filename_pattern can only be used with specified manifest or without server_files');
    if (b.filename_pattern && b.server_files_exclude && b.server_files_exclude.length) nonField.push('The filename_pattern and server_files_exclude cannot be used together');
    if (nonField.length) throw new HttpError(400, { non_field_errors: nonField });
    if (csId !== undefined && csId !== null && !state.cloudStorages.find(c => c.id === csId))
      throw new HttpError(400, { cloud_storage_id: [`Invalid pk "${csId}" - object does not exist.`] });
    return csId;
  }

  // Decide the outcome of task creation exactly once (what CVAT's RQ job would do).
  function planCreation(t, b, uploaded) {
    const fail = (msg, cls = 'rest_framework.exceptions.ValidationError') => ({ ok: false, message: cls === 'rest_framework.exceptions.ValidationError'
      ? `${cls}: [ErrorDetail(string='${msg}', code='invalid')]\n` : `${cls}: ${msg}\n`, plain: msg });
    const csId = b.cloud_storage_id == null ? null : Number(b.cloud_storage_id);
    const cs = csId != null ? state.cloudStorages.find(c => c.id === csId) : null;
    let server = (b.server_files || []).slice();
    const remote = (b.remote_files || []).slice();
    const client = uploaded.map(f => f.name);
    const sources = [client.length && 'client_files', server.length && 'server_files', remote.length && 'remote_files'].filter(Boolean);
    if (sources.length > 1) return fail(`Only one of client_files, server_files or remote_files can be specified, got: ${sources.join(', ')}`);
    if (cs && !server.length && !b.filename_pattern) return fail('No media data found', 'ValueError');
    if (server.length && !cs) {
      // share (server file system) is not available in this fake
      return fail(`The following files were not found on the file share: ${server.slice(0, 5).join(', ')}`, 'FileNotFoundError');
    }
    if (cs && cs.status !== 'AVAILABLE') return fail(`The resource ${cs.resource} ${cs.status === 'FORBIDDEN' ? 'is not available: access denied' : 'not found. It may have been deleted.'}`, 'rest_framework.exceptions.PermissionDenied');
    let manifest = null, manifestPath = null;
    const all = server.concat(client, remote);
    const manifests = all.filter(f => f.endsWith('.jsonl'));
    if (manifests.length > 1) return fail('Only one manifest file can be attached to data');
    if (manifests.length === 1) {
      manifestPath = manifests[0];
      server = server.filter(f => f !== manifestPath);
      if (cs) {
        if (!(manifestPath in cs.manifestContent)) return fail(`The resource ${manifestPath} not found. It may have been deleted.`, 'cvat.apps.engine.cloud_provider.NotFound');
        manifest = parseManifest(cs.manifestContent[manifestPath]);
        if (!manifest.ok) return fail('Invalid manifest was uploaded');
      }
    }
    let media = cs ? server : client.length ? client.filter(f => !f.endsWith('.jsonl')) : remote.map(u => { try { return decodeURIComponent(new URL(u).pathname.split('/').pop()); } catch (e) { return u; } });
    let frames = null;
    if (cs) {
      const prefix = manifestPath && manifestPath.includes('/') ? manifestPath.slice(0, manifestPath.lastIndexOf('/')) : '';
      const listing = manifest && manifest.type === 'images' ? manifest.items.map(i => (prefix ? prefix + '/' + i.full_name : i.full_name)) : [...cs.files];
      const byName = new Map(manifest && manifest.type === 'images' ? manifest.items.map(i => [(prefix ? prefix + '/' : '') + i.full_name, i]) : []);
      if (manifest && !media.length && !b.filename_pattern) b.filename_pattern = '*';
      const dirs = media.filter(f => f.endsWith('/'));
      if (dirs.length) media = media.flatMap(f => f.endsWith('/') ? listing.filter(x => x.startsWith(f === '/' ? '' : f)) : [f]);
      if (b.server_files_exclude && b.server_files_exclude.length) {
        const ex = b.server_files_exclude;
        media = media.filter(x => !ex.includes(x) && !ex.some(e => e.endsWith('/') && x.startsWith(e)));
      }
      if (b.filename_pattern) { const re = fnmatchToRegex(b.filename_pattern); media = media.concat(listing.filter(x => b.filename_pattern === '*' || re.test(x))); }
      if (manifest && manifest.type === 'images') {
        const missing = media.filter(f => !byName.has(f) && mimeOf(f) !== 'unknown');
        const present = media.filter(f => byName.has(f));
        if (!present.length && media.length) return fail('There is no intersection of the files specifiedin the request with the contents of the bucket');
        if (missing.length) return fail(`The following files were not found in the cloud storage manifest '${manifestPath}': ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''}`);
        frames = null; // computed after sorting below
        b._byName = byName;
      } else {
        const known = new Set([...cs.files, ...Object.keys(cs.manifestContent)]);
        const missing = media.filter(f => !known.has(f));
        if (missing.length) return fail(`The resource ${missing[0]} not found. It may have been deleted.`, 'cvat.apps.engine.cloud_provider.NotFound');
      }
    }
    // count media (CVAT: only one video/archive/pdf or many images)
    const counts = { image: [], video: [], archive: [], pdf: [] };
    for (const f of media) { const m = mimeOf(f); if (counts[m]) counts[m].push(f); }
    const unique = counts.video.length + counts.archive.length + counts.pdf.length;
    if ((unique === 1 && counts.image.length > 0) || unique > 1) {
      return fail(`Only one video, archive, pdf, zip or many image, directory can be used simultaneously,             but ${counts.image.length} image(s), ${counts.video.length} video(s), ${counts.archive.length} archive(s), ${counts.pdf.length} pdf(s) found.`, 'ValueError');
    }
    if (!unique && !counts.image.length) return fail('No media data found', 'ValueError');
    const sorting = b.sorting_method || 'lexicographical';
    if (manifestPath && sorting === 'random') return fail("It isn't supported to upload manifest file and use random sorting");
    let mode = 'annotation';
    let names;
    if (counts.video.length) {
      mode = 'interpolation';
      const n = manifest && manifest.type === 'video' ? manifest.properties.length : state.config.videoFrames;
      names = Array.from({ length: n }, (_, i) => ({ name: counts.video[0], width: manifest && manifest.type === 'video' ? manifest.properties.resolution[0] : 1280, height: manifest && manifest.type === 'video' ? manifest.properties.resolution[1] : 720 }));
    } else if (counts.archive.length || counts.pdf.length) {
      names = [{ name: (counts.archive[0] || counts.pdf[0]), width: 0, height: 0 }];
    } else {
      let imgs = counts.image.slice();
      if (b.job_file_mapping) {
        const flat = b.job_file_mapping.flat();
        if (!flat.length) return fail('job_file_mapping cannot be empty');
        if (t.segment_size) return fail('job_file_mapping cannot be used with segment_size');
        for (const f of flat) if (!imgs.includes(f)) return fail(`Job mapping file ${f} is not specified in input files`);
        imgs = flat;
      } else if (sorting === 'lexicographical') imgs.sort(cmp);
      else if (sorting === 'natural') imgs.sort((a, c) => cmp(naturalKey(a), naturalKey(c)));
      else if (sorting === 'random') { for (let i = imgs.length - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [imgs[i], imgs[j]] = [imgs[j], imgs[i]]; } }
      else if (sorting === 'predefined' && b.upload_file_order && b.upload_file_order.length && client.length) {
        const set = new Set(imgs), want = b.upload_file_order;
        const mism = [...new Set([...set].filter(x => !want.includes(x)).concat(want.filter(x => !set.has(x))))];
        if (mism.length) return fail(`Uploaded files do not match the 'upload_file_order' field contents. Please check the uploaded data and the list of uploaded files. Mismatching files: ${mism.slice(0, 5).join(', ')}`);
        imgs = want.slice();
      }
      const sizes = new Map(uploaded.map(f => [f.name, f]));
      names = imgs.map(n => { const it = b._byName && b._byName.get(n); return { name: n, width: it ? it.width : (sizes.get(n) && sizes.get(n).width) || 0, height: it ? it.height : (sizes.get(n) && sizes.get(n).height) || 0 }; });
    }
    // frame range
    const start = b.start_frame !== undefined ? Number(b.start_frame) : 0;
    let stop = b.stop_frame !== undefined ? Math.min(Number(b.stop_frame), names.length - 1) : names.length - 1;
    const stepM = b.frame_filter ? /step\s*=\s*([1-9]\d*)/.exec(String(b.frame_filter)) : null;
    const step = stepM ? Number(stepM[1]) : 1;
    const frames2 = [];
    for (let i = start; i <= stop; i += step) if (names[i]) frames2.push({ width: names[i].width, height: names[i].height, name: names[i].name, related_files: 0, has_related_context: false });
    if (!frames2.length) return fail("Can't create a task without data");
    // segments
    const segments = [];
    if (b.job_file_mapping) { let s = 0; for (const g of b.job_file_mapping) { segments.push([s, s + g.length - 1]); s += g.length; } }
    else {
      const n = frames2.length;
      const seg = t.segment_size && t.segment_size < n ? t.segment_size : n;
      const overlap = mode === 'interpolation' ? Math.min(t.overlap != null ? t.overlap : 5, Math.max(seg - 1, 0)) : (t.overlap || 0);
      for (let s = 0; s < n; s += seg - overlap) { segments.push([s, Math.min(s + seg - 1, n - 1)]); if (s + seg >= n) break; }
    }
    const w = frames2[0].width || 1920, h = frames2[0].height || 1080;
    const chunk = Math.max(2, Math.min(72, Math.floor((36 * 1920 * 1080) / Math.max(w * h, 1))));
    return { ok: true, frames: frames2, segments, mode, chunk_size: chunk, sorting_method: b.job_file_mapping || (manifestPath && sorting === 'predefined') ? 'predefined' : sorting };
  }

  function finishUpload(req, t, auth, b) {
    // b: parsed body of the final (or only) request
    const uploaded = (t.data.uploaded || []).concat(b.client_files || []);
    t.data.uploaded = uploaded;
    const plan = planCreation(t, b, uploaded);
    if (!plan.ok && state.config.syncValidation) throw new HttpError(400, { non_field_errors: [plan.plain] });
    t.data.image_quality = Number(b.image_quality);
    t.data.use_cache = String(b.use_cache) === 'true'; t.data.use_zip_chunks = String(b.use_zip_chunks) === 'true';
    if (b.chunk_size != null) t.data.chunk_size = Number(b.chunk_size);
    t.data.cloud_storage_id = b.cloud_storage_id != null ? Number(b.cloud_storage_id) : null;
    t.data.storage = t.data.cloud_storage_id != null ? 'cloud_storage' : 'local';
    t.data.storage_method = t.data.use_cache ? 'cache' : 'file_system';
    t.data.server_files = (b.server_files || []).slice(); t.data.remote_files = (b.remote_files || []).slice();
    t.data.request = { ...b, client_files: undefined, _byName: undefined, _ignoredFileParts: undefined };
    t.data.status = 'queued';
    const id = versionAtLeast(state.config.version, '2.11.0') ? `action=create&target=task&target_id=${t.id}` : `create:task-${t.id}`;
    // Replace a previous failed request for the same task (CVAT allows retrying after failure).
    state.requests = state.requests.filter(r => r.id !== id);
    const fault = consumeFault(req, 'failRequest');
    const r = { id, task_id: t.id, project_id: t.project_id, owner: auth.user, created_date: nowIso(), t0: Date.now(),
      delayMs: state.config.processingDelayMs, outcome: fault ? { ok: false, message: String(fault.failRequest) } : plan, done: false };
    state.requests.push(r);
    if (r.delayMs <= 0) applyOutcome(r);
    if (!versionAtLeast(state.config.version, '2.11.0')) return [202, ''];
    return [202, { rq_id: id }];
  }

  function consumeFault(req, kind) {
    const key = `${req.method} ${req.pathOnly}`;
    for (const f of state.faults) {
      if (f.times === 0) continue;
      if (!globToRegex(f.match).test(key) && !globToRegex(f.match).test(req.pathOnly)) continue;
      if (kind === 'failRequest' ? f.failRequest === undefined : f.failRequest !== undefined) continue;
      if (f.times > 0) f.times--;
      return f;
    }
    return null;
  }

  // ---------------- routes
  function readJson(req) {
    if (!req.rawBody.length) { req.logBody = null; return {}; }
    const ct = (req.headers['content-type'] || '').toLowerCase();
    if (ct.startsWith('multipart/form-data')) {
      const mp = parseMultipart(req.rawBody, req.headers['content-type']);
      req.logBody = { multipart: { fields: Object.fromEntries(mp.fields.map(([k, v]) => [k, SECRET_KEYS.has(k) ? '***' : v])), files: mp.files.map(f => ({ field: f.field, filename: f.filename, size: f.size })) } };
      return Object.fromEntries(mp.fields);
    }
    if (ct.startsWith('application/x-www-form-urlencoded')) {
      const o = Object.fromEntries(new URLSearchParams(req.rawBody.toString('utf8')));
      req.logBody = maskSecrets(o); return o;
    }
    let j;
    try { j = JSON.parse(req.rawBody.toString('utf8')); } catch (e) { req.logBody = { unparsable: true }; throw new HttpError(400, { detail: `JSON parse error - ${e.message}` }); }
    req.logBody = maskSecrets(j);
    return j;
  }
  const getTask = (id) => { const t = state.tasks.find(x => x.id === Number(id)); if (!t) throw new HttpError(404, { detail: 'Not found.' }); return t; };

  const routes = [];
  const route = (method, pattern, handler, { auth = true } = {}) => routes.push({ method, re: new RegExp('^' + pattern + '/?$'), handler, auth });

  route('POST', '/api/auth/login', (req) => {
    const b = readJson(req);
    const errs = {};
    if (b.password === undefined) errs.password = required();
    else if (b.password === '') errs.password = ['This field may not be blank.'];
    if (Object.keys(errs).length) throw new HttpError(400, errs);
    let u = b.username ? state.users[b.username] : null;
    if (!u && b.email) u = Object.values(state.users).find(x => x.email === b.email);
    if (!b.username && !b.email) throw new HttpError(400, { non_field_errors: ['Must include either "username" or "email" and "password".'] });
    if (!u || u.password !== b.password) throw new HttpError(400, { non_field_errors: ['Unable to log in with provided credentials.'] });
    let key = Object.keys(state.tokens).find(k => state.tokens[k] === u.username);
    if (!key) { key = randHex(20); state.tokens[key] = u.username; }
    const sid = randHex(16), csrf = randHex(16);
    state.sessions[sid] = { username: u.username, csrftoken: csrf };
    return [200, { key }, { 'Set-Cookie': [`sessionid=${sid}; HttpOnly; Path=/; SameSite=Lax`, `csrftoken=${csrf}; Path=/; SameSite=Lax`] }];
  }, { auth: false });
  route('POST', '/api/auth/logout', (req) => {
    readJson(req);
    const a = (() => { try { return authenticate(req); } catch (e) { return null; } })();
    if (a) { for (const k of Object.keys(state.tokens)) if (state.tokens[k] === a.user.username && a.via === 'token') delete state.tokens[k]; }
    if (req.cookies.sessionid) delete state.sessions[req.cookies.sessionid];
    return [200, { detail: 'Successfully logged out.' }];
  }, { auth: false });
  route('GET', '/api/server/about', () => [200, { name: 'Computer Vision Annotation Tool', subtitle: 'Open Data Annotation Platform', description: DESCRIPTION, version: state.config.version, logo_url: `${baseUrl}/static/logo.svg` }], { auth: false });
  route('GET', '/api/users/self', (req, m, auth) => [200, { ...basicUser(auth.user), email: auth.user.email, groups: ['admin'], is_staff: true, is_superuser: true, is_active: true, last_login: nowIso(), date_joined: nowIso() }]);

  // cloud storages
  route('GET', '/api/cloudstorages', (req) => {
    const q = req.query, errs = {};
    if (q.provider_type !== undefined && !PROVIDER_TYPES.includes(q.provider_type)) errs.provider_type = [`Select a valid choice. ${q.provider_type} is not one of the available choices.`];
    if (q.credentials_type !== undefined && !CREDENTIALS_TYPES.includes(q.credentials_type)) errs.credentials_type = [`Select a valid choice. ${q.credentials_type} is not one of the available choices.`];
    if (Object.keys(errs).length) throw new HttpError(400, errs);
    let items = state.cloudStorages.slice();
    for (const f of ['provider_type', 'resource', 'credentials_type']) if (q[f] !== undefined) items = items.filter(c => c[f] === q[f]);
    if (q.name !== undefined) items = items.filter(c => c.display_name === q.name);
    if (q.display_name !== undefined) items = items.filter(c => c.display_name === q.display_name);
    if (q.owner !== undefined) items = items.filter(c => c.owner && c.owner.username === q.owner);
    if (q.id !== undefined) items = items.filter(c => String(c.id) === q.id);
    if (q.search) items = items.filter(c => [c.provider_type, c.display_name, c.resource, c.credentials_type, c.description].some(x => String(x).toLowerCase().includes(q.search.toLowerCase())));
    if (q.filter) {
      let f; try { f = JSON.parse(q.filter); } catch (e) { throw new HttpError(400, { detail: 'filter: Wrong JSON syntax' }); }
      const eqs = JSON.stringify(f).match(/\{"==":\[\{"var":"(\w+)"\},("[^"]*"|\d+)\]\}/g) || [];
      for (const e of eqs) { const [, k, v] = /"var":"(\w+)"\},("[^"]*"|\d+)/.exec(e); const val = JSON.parse(v); items = items.filter(c => String(k === 'name' ? c.display_name : k === 'owner' ? (c.owner || {}).username : c[k]) === String(val)); }
    }
    items.sort((a, c) => c.id - a.id);
    return [200, paginate(req, q, items, csRead)];
  });
  const getCs = (id) => { const c = state.cloudStorages.find(x => x.id === Number(id)); if (!c) throw new HttpError(404, { detail: 'Not found.' }); return c; };
  route('GET', '/api/cloudstorages/(\\d+)', (req, m) => [200, csRead(getCs(m[1]))]);
  route('GET', '/api/cloudstorages/(\\d+)/status', (req, m) => [200, getCs(m[1]).status]);
  route('GET', '/api/cloudstorages/(\\d+)/actions', (req, m) => { getCs(m[1]); return [200, 'GET | PUT | DELETE', { 'Content-Type': 'text/plain' }]; });
  route('GET', '/api/cloudstorages/(\\d+)/content-v2', (req, m) => {
    const cs = getCs(m[1]);
    const q = req.query;
    let pageSize = 500;
    if (q.page_size !== undefined) { if (!/^\d+$/.test(q.page_size)) return [400, 'Wrong value for page_size was found', { 'Content-Type': 'text/html; charset=utf-8' }]; pageSize = Math.min(Number(q.page_size), 500) || 500; }
    let prefix = q.prefix || ''; if (prefix.startsWith('/')) prefix = prefix.slice(1);
    let all;
    if (q.manifest_path) {
      if (!(q.manifest_path in cs.manifestContent)) return [404, `The resource ${q.manifest_path} not found. It may have been deleted.`];
      const man = parseManifest(cs.manifestContent[q.manifest_path]);
      if (!man.ok || man.type !== 'images') return [500, 'An internal error has occurred'];
      const mp = q.manifest_path.includes('/') ? q.manifest_path.slice(0, q.manifest_path.lastIndexOf('/')) : '';
      all = man.items.map(i => (mp ? mp + '/' : '') + i.full_name);
    } else {
      all = [...new Set([...cs.files, ...Object.keys(cs.manifestContent)])];
    }
    let content = all.filter(x => x.startsWith(prefix));
    if (prefix.includes('/')) { const cut = prefix.lastIndexOf('/') + 1; content = content.map(x => x.slice(cut)); }
    const dirs = [...new Set(content.filter(x => x.includes('/')).map(x => x.split('/')[0]))].sort(cmp);
    const files = content.filter(x => !x.includes('/')).sort(cmp);
    const entries = dirs.map(d => ({ name: d, type: 'DIR', mime_type: 'DIR' })).concat(files.map(f => ({ name: f, type: 'REG', mime_type: mimeOf(f) === 'archive' ? 'archive' : mimeOf(f) })));
    let startIdx = 0;
    if (q.next_token) { if (!/^\d+$/.test(q.next_token)) return [400, 'Wrong value for the next_token parameter was found.', { 'Content-Type': 'text/html; charset=utf-8' }]; startIdx = Number(q.next_token); }
    const page = entries.slice(startIdx, startIdx + pageSize);
    return [200, { content: page, next: startIdx + pageSize < entries.length ? String(startIdx + pageSize) : null }];
  });

  // projects
  route('GET', '/api/projects', (req) => {
    let items = state.projects.slice();
    if (req.query.name !== undefined) items = items.filter(p => p.name === req.query.name);
    if (req.query.search) items = items.filter(p => p.name.toLowerCase().includes(req.query.search.toLowerCase()));
    items.sort((a, c) => c.id - a.id);
    return [200, paginate(req, req.query, items, projectRead)];
  });
  route('POST', '/api/projects', (req, m, auth) => {
    const b = readJson(req), errs = {};
    if (b.name === undefined) errs.name = required(); else if (typeof b.name !== 'string' || !b.name.trim()) errs.name = ['This field may not be blank.']; else if (b.name.length > 256) errs.name = ['Ensure this field has no more than 256 characters.'];
    const lv = validateLabels(b.labels);
    if (lv.error) errs.labels = lv.error;
    if (Object.keys(errs).length) throw new HttpError(400, errs);
    if (lv.nonField) throw new HttpError(400, lv.nonField);
    const p = { id: ++state.seq.project, name: b.name, owner: auth.user, bug_tracker: b.bug_tracker || '', created_date: nowIso(), updated_date: nowIso() };
    state.projects.push(p);
    makeLabels(lv.labels, { project_id: p.id });
    req.ignoredFields = Object.keys(b).filter(k => !['name', 'labels', 'owner_id', 'assignee_id', 'bug_tracker', 'target_storage', 'source_storage', 'task_subsets'].includes(k));
    return [201, projectRead(p)];
  });
  route('GET', '/api/projects/(\\d+)', (req, m) => { const p = state.projects.find(x => x.id === Number(m[1])); if (!p) throw new HttpError(404, { detail: 'Not found.' }); return [200, projectRead(p)]; });
  route('DELETE', '/api/projects/(\\d+)', (req, m) => {
    const p = state.projects.find(x => x.id === Number(m[1])); if (!p) throw new HttpError(404, { detail: 'Not found.' });
    for (const t of state.tasks.filter(x => x.project_id === p.id)) deleteTask(t);
    state.projects = state.projects.filter(x => x !== p); state.labels = state.labels.filter(l => l.project_id !== p.id);
    return [204, null];
  });

  // labels
  route('GET', '/api/labels', (req) => {
    const q = req.query; let items = state.labels.slice();
    if (q.task_id !== undefined) { const t = getTask(q.task_id); items = items.filter(l => (t.project_id ? l.project_id === t.project_id : l.task_id === t.id)); }
    if (q.project_id !== undefined) items = items.filter(l => l.project_id === Number(q.project_id));
    if (q.job_id !== undefined) { const j = state.jobs.find(x => x.id === Number(q.job_id)); if (!j) throw new HttpError(404, { detail: 'Not found.' }); const t = getTask(j.task_id); items = items.filter(l => (t.project_id ? l.project_id === t.project_id : l.task_id === t.id)); }
    if (q.name !== undefined) items = items.filter(l => l.name === q.name);
    return [200, paginate(req, q, items, labelRead)];
  });

  // tasks
  route('GET', '/api/tasks', (req) => {
    let items = state.tasks.slice(); const q = req.query;
    if (q.name !== undefined) items = items.filter(t => t.name === q.name);
    if (q.project_id !== undefined) items = items.filter(t => t.project_id === Number(q.project_id));
    if (q.search) items = items.filter(t => t.name.toLowerCase().includes(q.search.toLowerCase()));
    items.sort((a, c) => c.id - a.id);
    return [200, paginate(req, q, items, taskRead)];
  });
  route('POST', '/api/tasks', (req, m, auth) => {
    const b = readJson(req), errs = {};
    if (!b || typeof b !== 'object' || Array.isArray(b)) throw new HttpError(400, { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
    if (b.name === undefined) errs.name = required(); else if (b.name === null) errs.name = ['This field may not be null.']; else if (typeof b.name !== 'string' || !b.name.trim()) errs.name = ['This field may not be blank.']; else if (b.name.length > 256) errs.name = ['Ensure this field has no more than 256 characters.'];
    const projectId = intField(b, errs, 'project_id', { nullable: true, min: -2147483648 });
    const segmentSize = intField(b, errs, 'segment_size');
    const overlap = intField(b, errs, 'overlap', { nullable: true });
    if (b.subset !== undefined && (typeof b.subset !== 'string' || b.subset.length > 64)) errs.subset = ['Ensure this field has no more than 64 characters.'];
    const lv = validateLabels(b.labels);
    if (lv.error) errs.labels = lv.error;
    if (Object.keys(errs).length) throw new HttpError(400, errs);
    if (lv.nonField) throw new HttpError(400, lv.nonField);
    const labels = lv.labels;
    if (!(labels.length || projectId)) throw new HttpError(400, ['Label set or project_id must be present']);
    if (labels.length && projectId) throw new HttpError(400, ['Project must have only one of Label set or project_id']);
    if (projectId && !state.projects.find(p => p.id === projectId)) throw new HttpError(400, [`The specified project #${projectId} does not exist.`]);
    // TaskWriteSerializer silently ignores unknown fields (e.g. image_quality belongs to /data)
    req.ignoredFields = Object.keys(b).filter(k => !['name', 'project_id', 'owner_id', 'assignee_id', 'bug_tracker', 'overlap', 'segment_size', 'labels', 'subset', 'target_storage', 'source_storage', 'consensus_replicas'].includes(k));
    const t = { id: ++state.seq.task, name: b.name, project_id: projectId || null, owner: auth.user, bug_tracker: b.bug_tracker || '', overlap: overlap === undefined ? null : overlap,
      segment_size: segmentSize || 0, subset: b.subset || '', mode: '', created_date: nowIso(), updated_date: nowIso(), data: null };
    state.tasks.push(t);
    makeLabels(labels, { task_id: t.id });
    return [201, taskRead(t)];
  });
  route('GET', '/api/tasks/(\\d+)', (req, m) => [200, taskRead(getTask(m[1]))]);
  function deleteTask(t) {
    state.tasks = state.tasks.filter(x => x !== t); state.jobs = state.jobs.filter(j => j.task_id !== t.id);
    state.labels = state.labels.filter(l => l.task_id !== t.id); state.requests = state.requests.filter(r => r.task_id !== t.id);
  }
  route('DELETE', '/api/tasks/(\\d+)', (req, m) => { deleteTask(getTask(m[1])); return [204, null]; });
  route('GET', '/api/tasks/(\\d+)/status', (req, m) => {
    const t = getTask(m[1]);
    const r = state.requests.find(x => x.task_id === t.id);
    if (!r) return [200, { state: t.data && t.data.size ? 'Finished' : 'Unknown', message: '', progress: 0 }];
    const s = requestStatus(r);
    const map = { queued: 'Queued', started: 'Started', finished: 'Finished', failed: 'Failed' };
    return [200, { state: map[s.status], message: s.status === 'started' ? s.message : s.status === 'failed' ? s.message : '', progress: s.status === 'finished' ? 100 : s.status === 'started' ? 50 : 0 }];
  });
  route('GET', '/api/tasks/(\\d+)/data/meta', (req, m) => {
    const t = getTask(m[1]); const d = t.data;
    if (!d || !d.size) return [200, { chunk_size: d ? d.chunk_size : null, size: 0, image_quality: d ? d.image_quality : 70, start_frame: 0, stop_frame: 0, frame_filter: '', frames: [], deleted_frames: [], included_frames: null, chunks_updated_date: nowIso() }];
    return [200, { chunk_size: d.chunk_size, size: d.size, image_quality: d.image_quality, start_frame: d.start_frame, stop_frame: d.stop_frame, frame_filter: d.request.frame_filter || '', frames: d.frames, deleted_frames: [], included_frames: null, chunks_updated_date: nowIso() }];
  });
  route('POST', '/api/tasks/(\\d+)/data', (req, m, auth) => {
    const t = getTask(m[1]);
    if (t.data && t.data.size) return [400, 'Adding more data is not supported'];
    const pending = state.requests.find(x => x.task_id === t.id && !x.done);
    if (pending) return [409, { detail: 'Task creation is already in progress (fake: data was already attached and is being processed)' }];
    if (!t.data) t.data = { id: ++state.seq.data, size: 0, uploaded: [], chunk_size: null, image_quality: null, status: 'new' };
    const h = req.headers;
    const isTrue = (v) => v !== undefined && String(v).toLowerCase() !== 'false';
    if (h['upload-length'] !== undefined || (h['tus-resumable'] && req.method === 'POST' && !isTrue(h['upload-start']) && !isTrue(h['upload-finish']) && !isTrue(h['upload-multiple']))) {
      // TUS: create an upload
      const len = Number(h['upload-length']);
      if (!Number.isInteger(len) || len < 0) return [400, 'Invalid "Upload-Length" header', { 'Tus-Resumable': '1.0.0' }];
      const meta = {};
      for (const part of String(h['upload-metadata'] || '').split(',')) { const [k, v] = part.trim().split(' '); if (k) meta[k] = v ? Buffer.from(v, 'base64').toString('utf8') : ''; }
      if (!meta.filename) return [404, 'File name is not present in "Upload-Metadata" header', { 'Tus-Resumable': '1.0.0' }];
      const fid = crypto.randomUUID();
      state.tus[fid] = { task_id: t.id, filename: meta.filename, length: len, offset: 0, chunks: [] };
      req.logBody = { tus: { filename: meta.filename, length: len } };
      return [201, '', { Location: `${baseUrl}/api/tasks/${t.id}/data/${fid}`, 'Tus-Resumable': '1.0.0', 'Upload-Filename': meta.filename }];
    }
    if (isTrue(h['upload-start']) && !isTrue(h['upload-finish'])) { parseDataBody(req); t.data.uploaded = []; t.data.status = 'uploading'; return [202, '']; }
    if (isTrue(h['upload-multiple'])) {
      const b = parseDataBody(req);
      if (!b.client_files.length) return [400, { client_files: [{ file: ['No file was submitted.'] }] }];
      t.data.uploaded = (t.data.uploaded || []).concat(b.client_files);
      return [200, ''];
    }
    const b = parseDataBody(req);
    validateDataFields(b);
    if (isTrue(h['upload-finish']) && !isTrue(h['upload-start'])) return finishUpload(req, t, auth, b);
    t.data.uploaded = isTrue(h['upload-start']) ? [] : (t.data.uploaded || []);
    return finishUpload(req, t, auth, b);
  });
  route('HEAD', '/api/tasks/(\\d+)/data/([0-9a-f-]{36})', (req, m) => {
    const u = state.tus[m[2]]; if (!u || u.task_id !== Number(m[1])) return [404, ''];
    return [200, '', { 'Upload-Offset': String(u.offset), 'Upload-Length': String(u.length), 'Tus-Resumable': '1.0.0', 'Cache-Control': 'no-store' }];
  });
  route('PATCH', '/api/tasks/(\\d+)/data/([0-9a-f-]{36})', (req, m) => {
    const u = state.tus[m[2]]; if (!u || u.task_id !== Number(m[1])) return [404, ''];
    if ((req.headers['content-type'] || '') !== 'application/offset+octet-stream') return [415, '', { 'Tus-Resumable': '1.0.0' }];
    if (Number(req.headers['upload-offset']) !== u.offset) return [409, '', { 'Tus-Resumable': '1.0.0' }];
    u.offset += req.rawBody.length; u.chunks.push(req.rawBody);
    req.logBody = { tus: { filename: u.filename, chunk: req.rawBody.length, offset: u.offset } };
    if (u.offset > u.length) return [413, '', { 'Tus-Resumable': '1.0.0' }];
    if (u.offset === u.length) {
      const t = getTask(m[1]); const data = Buffer.concat(u.chunks);
      t.data.uploaded = (t.data.uploaded || []).concat([{ name: u.filename, size: data.length, sha256: crypto.createHash('sha256').update(data).digest('hex'), contentType: 'application/octet-stream', via: 'tus' }]);
      u.chunks = [];
    }
    return [204, '', { 'Upload-Offset': String(u.offset), 'Tus-Resumable': '1.0.0' }];
  });

  // jobs
  route('GET', '/api/jobs', (req) => {
    const q = req.query; let items = state.jobs.slice();
    if (q.task_id !== undefined) items = items.filter(j => j.task_id === Number(q.task_id));
    if (q.project_id !== undefined) items = items.filter(j => { const t = state.tasks.find(x => x.id === j.task_id); return t && t.project_id === Number(q.project_id); });
    if (q.type !== undefined) items = items.filter(() => q.type === 'annotation');
    items.sort((a, c) => c.id - a.id);
    return [200, paginate(req, q, items, jobRead)];
  });
  route('GET', '/api/jobs/(\\d+)', (req, m) => { const j = state.jobs.find(x => x.id === Number(m[1])); if (!j) throw new HttpError(404, { detail: 'Not found.' }); return [200, jobRead(j)]; });

  // requests (>= 2.11)
  route('GET', '/api/requests', (req) => {
    if (!versionAtLeast(state.config.version, '2.11.0')) throw new HttpError(404, { detail: 'Not found.' });
    const q = req.query; let items = state.requests.slice();
    if (q.task_id !== undefined) items = items.filter(r => r.task_id === Number(q.task_id));
    if (q.action !== undefined) items = items.filter(() => q.action === 'create');
    if (q.target !== undefined) items = items.filter(() => q.target === 'task');
    if (q.status !== undefined) items = items.filter(r => requestStatus(r).status === q.status);
    items.sort((a, c) => cmp(c.created_date, a.created_date));
    return [200, paginate(req, q, items, requestRead)];
  });
  route('GET', '/api/requests/([^/]+)', (req, m) => {
    if (!versionAtLeast(state.config.version, '2.11.0')) throw new HttpError(404, { detail: 'Not found.' });
    let id = m[1]; try { id = decodeURIComponent(id); } catch (e) { /* keep raw */ }
    const r = state.requests.find(x => x.id === id);
    if (!r) throw new HttpError(404, { detail: 'Not found.' });
    return [200, requestRead(r)];
  });

  // ---------------- control API (not CVAT)
  const ctl = [];
  const control = (method, pattern, handler) => ctl.push({ method, re: new RegExp('^/__control' + pattern + '/?$'), handler });
  control('POST', '/cloudstorages', (req) => {
    const b = readJson(req), errs = {};
    if (!PROVIDER_TYPES.includes(b.provider_type)) errs.provider_type = b.provider_type === undefined ? required() : [`"${b.provider_type}" is not a valid choice.`];
    if (!b.resource) errs.resource = required();
    if (Object.keys(errs).length) throw new HttpError(400, errs);
    const manifests = b.manifests || (b.manifest_content !== undefined ? ['manifest.jsonl'] : []);
    const manifestContent = { ...(b.manifest_contents || {}) };
    if (b.manifest_content !== undefined) manifestContent[manifests[0]] = b.manifest_content;
    const owner = state.users[b.owner || Object.keys(state.users)[0]] || null;
    const cs = { id: ++state.seq.cs, provider_type: b.provider_type, resource: b.resource, display_name: b.display_name || b.resource,
      credentials_type: b.credentials_type || 'KEY_SECRET_KEY_PAIR', specific_attributes: b.specific_attributes || '', description: b.description || '',
      manifests, manifestContent, files: new Set(b.files || []), status: b.status || 'AVAILABLE', owner, created_date: nowIso(), updated_date: nowIso() };
    state.cloudStorages.push(cs);
    return [201, { ...csRead(cs), files: [...cs.files], manifest_valid: Object.fromEntries(Object.entries(manifestContent).map(([k, v]) => [k, parseManifest(v).ok])) }];
  });
  control('PATCH', '/cloudstorages/(\\d+)', (req, m) => {
    const cs = getCs(m[1]); const b = readJson(req);
    for (const f of ['display_name', 'specific_attributes', 'status', 'manifests', 'description']) if (b[f] !== undefined) cs[f] = b[f];
    if (b.manifest_contents) Object.assign(cs.manifestContent, b.manifest_contents);
    if (b.files) cs.files = new Set(b.files);
    return [200, csRead(cs)];
  });
  control('POST', '/users', (req) => { const b = readJson(req); if (!b.username || b.password === undefined) throw new HttpError(400, { detail: 'username and password required' }); const u = addUser(b.username, b.password); if (b.access_token) state.accessTokens[b.access_token] = u.username; return [201, { id: u.id, username: u.username }]; });
  control('GET', '/log', () => [200, state.log]);
  control('DELETE', '/log', () => { state.log.length = 0; return [204, null]; });
  control('POST', '/faults', (req) => {
    const b = readJson(req); const list = Array.isArray(b) ? b : [b];
    for (const f of list) { if (!f.match) throw new HttpError(400, { match: required() }); state.faults.push({ match: f.match, status: f.status || 500, body: f.body, times: f.times == null ? 1 : f.times, failRequest: f.failRequest, delayMs: f.delayMs || 0, headers: f.headers }); }
    return [200, state.faults];
  });
  control('GET', '/faults', () => [200, state.faults]);
  control('POST', '/config', (req) => { const b = readJson(req); for (const k of Object.keys(state.config)) if (b[k] !== undefined) state.config[k] = b[k]; return [200, state.config]; });
  control('POST', '/reset', () => {
    const keepConfig = { ...state.config };
    Object.assign(state, createState({}), { config: keepConfig });
    seedUsers(); for (const [tok, user] of Object.entries(opts.accessTokens || {})) state.accessTokens[tok] = user;
    return [200, { reset: true }];
  });
  control('GET', '/state', () => { advanceAll(); return [200, snapshot()]; });
  control('POST', '/requests/complete', () => { for (const r of state.requests) applyOutcome(r); return [200, state.requests.map(requestRead)]; });

  function snapshot() {
    return {
      config: state.config,
      users: Object.values(state.users).map(u => ({ id: u.id, username: u.username })),
      cloudStorages: state.cloudStorages.map(c => ({ ...csRead(c), status: c.status, files: [...c.files], manifestPaths: Object.keys(c.manifestContent) })),
      projects: state.projects.map(p => ({ ...projectRead(p), labels: state.labels.filter(l => l.project_id === p.id).map(labelRead) })),
      tasks: state.tasks.map(t => ({ ...taskRead(t), labels: state.labels.filter(l => l.task_id === t.id).map(labelRead),
        dataRequest: t.data ? t.data.request || null : null, uploadedFiles: t.data ? (t.data.uploaded || []) : [],
        frames: t.data ? t.data.frames || [] : [], dataStatus: t.data ? t.data.status : null, cloud_storage_id: t.data ? t.data.cloud_storage_id : null })),
      jobs: state.jobs.map(jobRead),
      requests: state.requests.map(requestRead),
    };
  }

  // ---------------- HTTP plumbing
  function send(res, req, status, body, headers = {}) {
    let payload = '';
    const h = { ...headers };
    if (body === null || body === undefined || (body === '' && !h['Content-Type'])) payload = '';
    else if (Buffer.isBuffer(body)) payload = body;
    else if (h['Content-Type'] && typeof body === 'string') payload = body;
    else { payload = JSON.stringify(body); h['Content-Type'] = h['Content-Type'] || 'application/json'; }
    h['Content-Length'] = Buffer.byteLength(payload);
    h['Vary'] = 'Accept, Origin, Cookie';
    h['X-Fake-Server'] = 'cvat-fake';
    res.writeHead(status, h);
    res.end(req.method === 'HEAD' ? undefined : payload);
  }

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)).catch(e => {
      try { send(res, req, 500, { detail: 'An internal error has occurred: ' + e.message }); } catch (x) { /* ignore */ }
    }));
  });
  server.on('connection', s => { sockets.add(s); s.on('close', () => sockets.delete(s)); });

  async function handle(req, res, raw) {
    const u = new URL(req.url, 'http://x');
    req.pathOnly = u.pathname.length > 1 ? u.pathname.replace(/\/+$/, '') || '/' : u.pathname;
    req.query = Object.fromEntries(u.searchParams);
    req.rawBody = raw;
    req.cookies = Object.fromEntries(String(req.headers.cookie || '').split(';').map(s => s.trim()).filter(Boolean).map(s => { const i = s.indexOf('='); return [s.slice(0, i), s.slice(i + 1)]; }));
    baseUrl = `http://${req.headers.host || `${host}:${port}`}`;

    if (req.pathOnly.startsWith('/__control')) {
      const r = ctl.find(x => x.method === req.method && x.re.test(req.pathOnly));
      if (!r) return send(res, req, 404, { detail: 'Not found.' });
      try { const [st, body, hd] = r.handler(req, r.re.exec(req.pathOnly)); return send(res, req, st, body, hd); } catch (e) { if (e instanceof HttpError) return send(res, req, e.status, e.body, e.headers); throw e; }
    }

    advanceAll();
    const entry = { seq: ++state.seq.log, time: nowIso(), method: req.method, path: req.pathOnly, query: req.query,
      headers: pickHeaders(req.headers), body: undefined, status: undefined };
    state.log.push(entry);
    let status, body, headers;
    try {
      const fault = consumeFault(req, 'http');
      if (fault) {
        if (fault.delayMs) await new Promise(r => setTimeout(r, fault.delayMs));
        try { logBodyOnly(req); } catch (e) { /* ignore */ }
        [status, body, headers] = [fault.status, fault.body !== undefined ? fault.body : { detail: 'Injected fault' }, fault.headers];
      } else {
        const cands = routes.filter(r => r.re.test(req.pathOnly));
        const r = cands.find(x => new RegExp('^(' + x.method + ')$').test(req.method) || (req.method === 'HEAD' && x.method === 'GET'));
        if (!cands.length) [status, body] = [404, { detail: 'Not found.' }];
        else if (!r) { const allowed = [...new Set(cands.map(x => x.method))].join(', '); [status, body, headers] = [405, { detail: `Method "${req.method}" not allowed.` }, { Allow: allowed }]; }
        else {
          const auth = r.auth ? authenticate(req) : null;
          [status, body, headers] = r.handler(req, r.re.exec(req.pathOnly), auth);
        }
      }
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      [status, body, headers] = [e.status, e.body, e.headers];
      if (req.logBody === undefined) { try { logBodyOnly(req); } catch (x) { /* ignore */ } }
    }
    entry.body = req.logBody === undefined ? (raw.length ? { bytes: raw.length } : null) : req.logBody;
    if (req.ignoredFields && req.ignoredFields.length) entry.ignoredFields = req.ignoredFields;
    entry.status = status;
    entry.response = status >= 400 ? body : undefined;
    return send(res, req, status, body, headers);
  }
  function logBodyOnly(req) {
    const ct = (req.headers['content-type'] || '').toLowerCase();
    if (!req.rawBody.length) { req.logBody = null; return; }
    if (ct.startsWith('multipart/form-data')) {
      const mp = parseMultipart(req.rawBody, req.headers['content-type']);
      req.logBody = { multipart: { fields: Object.fromEntries(mp.fields.map(([k, v]) => [k, SECRET_KEYS.has(k) ? '***' : v])), files: mp.files.map(f => ({ field: f.field, filename: f.filename, size: f.size })) } };
    } else if (ct.includes('json')) req.logBody = maskSecrets(JSON.parse(req.rawBody.toString('utf8')));
    else req.logBody = { bytes: req.rawBody.length };
  }
  function pickHeaders(h) {
    const o = {};
    if (h.authorization) o.authorization = h.authorization.split(' ')[0] + ' ***';
    for (const k of ['content-type', 'accept', 'x-organization', 'upload-start', 'upload-multiple', 'upload-finish', 'upload-length', 'upload-offset', 'tus-resumable', 'user-agent']) if (h[k] !== undefined) o[k] = h[k];
    if (h['x-csrftoken']) o['x-csrftoken'] = '***';
    if (h.cookie) o.cookie = String(h.cookie).split(';').map(s => s.trim().split('=')[0] + '=***').join('; ');
    return o;
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const actual = server.address().port;
      const url = `http://${host}:${actual}`;
      baseUrl = url;
      resolve({
        url, port: actual, state,
        snapshot,
        close: () => new Promise(r => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
      });
    });
  });
}

module.exports = { start, parseManifest };

if (require.main === module) {
  const args = process.argv.slice(2);
  const get = (n) => { const i = args.indexOf(n); return i >= 0 ? args[i + 1] : undefined; };
  const users = {};
  for (let i = 0; i < args.length; i++) if (args[i] === '--user') { const [n, ...p] = args[i + 1].split(':'); users[n] = p.join(':'); }
  start({ port: Number(get('--port') || 0), host: get('--host') || '127.0.0.1', version: get('--version'),
    processingDelayMs: get('--delay') !== undefined ? Number(get('--delay')) : undefined,
    syncValidation: args.includes('--sync-validation'), users: Object.keys(users).length ? users : undefined })
    .then(s => { process.stdout.write(`READY ${s.url}\n`); const stop = () => s.close().then(() => process.exit(0)); process.on('SIGTERM', stop); process.on('SIGINT', stop); })
    .catch(e => { process.stderr.write(String(e.stack || e) + '\n'); process.exit(1); });
}
