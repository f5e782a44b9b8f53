'use strict';
// Fault rules shared by the HTTP test server and the fault-injecting proxy.
// A rule: { match, kind: status|reset|truncate|drip|wrong-etag, status, retryAfter, times, afterBytes, delayMs,
//          body, contentType (status only), method (only requests of this method), search (only requests whose
//          query string contains it, e.g. 'comp=blocklist' for Azure's block-list commit) }.
// Rules are tried in order; a matching rule with `times` left is consumed.
class Faults {
  constructor() { this.rules = []; this.injected = 0; }
  set(rules) { this.rules = (Array.isArray(rules) ? rules : [rules]).map(r => ({ times: Infinity, ...r })); }
  clear() { this.rules = []; }
  // `method` HEAD skips rules that only act on a body (reset, truncate, drip), so a HEAD before the GET
  // does not use them up.
  take(path, method, search = '') {
    for (const r of this.rules) {
      if (r.times <= 0) continue;
      if (r.method && r.method !== method) continue;
      if (r.search && !search.includes(r.search)) continue;
      if (method === 'HEAD' && (r.kind === 'reset' || r.kind === 'truncate' || r.kind === 'drip')) continue;
      const m = r.match ?? '';
      const hit = m.startsWith('/') && m.endsWith('/') && m.length > 1 ? new RegExp(m.slice(1, -1)).test(path) : path.includes(m);
      if (!hit) continue;
      r.times--;
      this.injected++;
      return r;
    }
    return null;
  }
}

// Sends `body` (a Buffer or a stream factory) honouring a fault rule, or normally when rule is null.
function sendWithFault(res, rule, status, headers, body) {
  if (rule && rule.kind === 'status') {
    // `body`/`contentType` imitate real servers' error pages (an HTML 404 page, a JSON error).
    const h = { 'Content-Type': rule.contentType || 'text/plain' };
    if (rule.retryAfter !== undefined) h['Retry-After'] = String(rule.retryAfter);
    res.writeHead(rule.status || 503, h);
    res.end(rule.body !== undefined ? String(rule.body) : `injected ${rule.status || 503}\n`);
    return;
  }
  if (rule && rule.kind === 'wrong-etag') headers = { ...headers, ETag: '"injected-' + Date.now() + '"' };
  res.writeHead(status, headers);
  if (!body) { res.end(); return; }
  if (rule && (rule.kind === 'reset' || rule.kind === 'truncate')) {
    const n = Math.min(rule.afterBytes ?? Math.floor(body.length / 2), body.length);
    res.write(body.subarray(0, n), () => {
      if (rule.kind === 'reset') res.socket.resetAndDestroy ? res.socket.resetAndDestroy() : res.socket.destroy();
      else res.socket.end(); // full Content-Length announced, fewer bytes sent
    });
    return;
  }
  if (rule && rule.kind === 'drip') {
    const chunk = 16 * 1024, delay = rule.delayMs ?? 50;
    let off = 0;
    const next = () => {
      if (res.destroyed) return;
      if (off >= body.length) { res.end(); return; }
      res.write(body.subarray(off, off + chunk));
      off += chunk;
      setTimeout(next, delay);
    };
    next();
    return;
  }
  res.end(body);
}

module.exports = { Faults, sendWithFault };
