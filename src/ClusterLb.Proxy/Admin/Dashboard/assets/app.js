// ClusterLb dashboard (docs/dashboard.md). Polls GET /status and GET /cluster/status every second, follows
// GET /events, and sends host drain/down/up to the admin API. The node computes everything; this file draws it
// (as text, never as HTML) and keeps the last samples per host for the sparklines.
'use strict';

const TOKEN_KEY = 'clusterlb-admin-token';
const POLL_MS = 1000;
const HISTORY = 30; // samples per sparkline: the last 30 polls
const MAX_EVENTS = 50;
const RETRY_EVENTS_MS = 2000;
const SVG = 'http://www.w3.org/2000/svg';
const MEMBER_COLUMNS = [['address', 'Address'], ['status', 'Status'], ['reachable', 'Reachable'], ['role', 'Role'], ['age', 'Age']];
const HOST_COLUMNS = [['host', 'Host'], ['state', 'State'], ['health', 'Health'], ['weight', 'Weight'], ['in-flight', 'In flight'],
  ['rate', 'Picks/s'], ['latency', 'Latency'], ['check', 'Last check'], ['actions', 'Actions']];

const $ = (id) => document.getElementById(id);
const samples = new Map(); // "pool/host" -> { at, picks, rate: [], inFlight: [], latency: [] }
let events = null; // the AbortController of the /events stream

// --- token: typed once, kept for this tab only --------------------------------------------------------------
const token = () => sessionStorage.getItem(TOKEN_KEY) ?? '';
const authHeaders = () => (token() ? { Authorization: `Bearer ${token()}` } : {});

function showToken() {
  $('token').value = '';
  $('token').placeholder = token() ? 'token set for this tab' : 'clusterlb.admin.token';
}

function tokenChanged() {
  showToken();
  followEvents();
  refresh();
}

// --- HTTP ---------------------------------------------------------------------------------------------------
async function call(method, path) {
  const response = await fetch(path, { method, headers: authHeaders(), cache: 'no-store' });
  return { status: response.status, ok: response.ok, body: await response.json().catch(() => null) };
}

/** An admin error as one line: "401 unauthorized: wrong admin token". */
function refusal(answer) {
  const body = answer.body ?? {};
  return `${answer.status} ${body.error ?? ''}${body.reason ? `: ${body.reason}` : ''}`.trim();
}

// --- DOM helpers --------------------------------------------------------------------------------------------
function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

function text(element, value) {
  if (element.textContent !== value) element.textContent = value;
}

function notice(element, kind, message) {
  element.hidden = !message;
  element.dataset.kind = kind;
  text(element, message ?? '');
}

/** A table row with one cell per column; each cell has the column's class and its label (shown on phones). */
function row(columns) {
  const tr = document.createElement('tr');
  for (const [name, label] of columns) Object.assign(tr.insertCell(), { className: name }).dataset.label = label;
  return tr;
}

/** Makes parent's children match items ([key, value] pairs, in order): new ones from make(), all through update(). */
function sync(parent, items, make, update) {
  const old = new Map([...parent.children].map((child) => [child.dataset.key, child]));
  items.forEach(([key, value], index) => {
    let child = old.get(key);
    old.delete(key);
    if (!child) {
      child = make(value);
      child.dataset.key = key;
    }
    if (parent.children[index] !== child) parent.insertBefore(child, parent.children[index] ?? null);
    update(child, value);
  });
  for (const gone of old.values()) gone.remove();
}

function spark() {
  const svg = document.createElementNS(SVG, 'svg');
  for (const [name, value] of [['viewBox', '0 0 60 16'], ['preserveAspectRatio', 'none'], ['class', 'spark'], ['aria-hidden', 'true']]) {
    svg.setAttribute(name, value);
  }
  svg.append(document.createElementNS(SVG, 'polyline'));
  return svg;
}

/** A metric cell: its current value and a sparkline of the last samples, scaled to their maximum. */
function metric(cell, label, series) {
  text(cell.querySelector('.value'), label);
  const max = Math.max(...series, Number.EPSILON);
  const step = 60 / (HISTORY - 1);
  const first = 60 - (series.length - 1) * step;
  const points = series.map((v, i) => `${(first + i * step).toFixed(1)},${(15 - (14 * v) / max).toFixed(1)}`);
  cell.querySelector('polyline').setAttribute('points', points.join(' '));
}

function push(series, value) {
  series.push(value);
  if (series.length > HISTORY) series.shift();
}

function duration(seconds) {
  const [d, h, m, s] = [seconds / 86400, (seconds / 3600) % 24, (seconds / 60) % 60, seconds % 60].map(Math.floor);
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : m ? `${m}m ${s}s` : `${s}s`;
}

// --- polling ------------------------------------------------------------------------------------------------
let polling = false;
let pollAgain = false;

/** Polls now; a call during a poll makes one more poll after it, so no change is missed. */
async function refresh() {
  if (polling) {
    pollAgain = true;
    return;
  }
  polling = true;
  try {
    do {
      pollAgain = false;
      await poll();
    } while (pollAgain);
  } finally {
    polling = false;
  }
}

async function poll() {
  let status;
  let cluster;
  try {
    [status, cluster] = await Promise.all([call('GET', '/status'), call('GET', '/cluster/status')]);
  } catch (error) {
    document.body.classList.add('stale');
    notice($('problem'), 'error', `The node does not answer (${error.message}); this is the last view it gave.`);
    return;
  }
  document.body.classList.remove('stale');
  if (status.status === 401) {
    notice($('problem'), 'error', `This node protects /status (clusterlb.admin.protect-status): type the admin token above. GET /status: ${refusal(status)}`);
    return;
  }
  if (!status.ok) {
    notice($('problem'), 'error', `GET /status: ${refusal(status)}`);
    return;
  }
  notice($('problem'), 'error', null);
  drawNode(status.body);
  drawMembers(cluster);
  drawServices(status.body.services);
}

// --- drawing ------------------------------------------------------------------------------------------------
function drawNode(doc) {
  text($('node-name'), doc.node.name);
  text($('node-summary'), `ClusterLb ${doc.node.version} · up ${duration(doc.node.uptimeSeconds)} · ${doc.status}: ${doc.detail}`);
  document.title = `ClusterLb ${doc.node.name}: ${doc.detail}`;
  const registry = doc.registry;
  text($('registry-summary'), !registry ? '' : registry.error ? `registry: ${registry.error}` : `registry version ${registry.version}`);
}

function drawMembers(answer) {
  const body = $('members').tBodies[0];
  if (!answer.ok) {
    text($('cluster-summary'), answer.status === 404 ? 'this node is not clustered' : refusal(answer));
    sync(body, [], null, null);
    return;
  }
  const view = answer.body;
  const unreachable = view.unreachable.length ? ` · ${view.unreachable.length} unreachable` : '';
  text($('cluster-summary'), `${view.members.length} members · ${view.convergence ? 'converged' : 'not converged'}${unreachable}`);
  sync(body, view.members.map((m) => [m.address, m]), () => row(MEMBER_COLUMNS), (tr, m) => {
    Object.assign(tr.dataset, { member: m.address, status: m.status, reachable: m.reachable });
    const role = [m.address === view.leader ? 'leader' : '', m.address === view.self ? 'this node' : '', ...m.roles];
    [m.address, m.status, m.reachable ? 'yes' : 'no', role.filter(Boolean).join(', ') || '–', String(m.upNumber ?? '–')]
      .forEach((value, i) => text(tr.cells[i], value));
  });
}

function drawServices(services) {
  const live = new Set();
  sync($('services'), services.map((s) => [s.name, s]), makeService, (article, s) => {
    article.dataset.status = s.status;
    text(article.querySelector('.name'), s.name);
    text(article.querySelector('.badge'), s.status);
    text(article.querySelector('.detail'), `${s.detail} · active pool ${s.activePool ?? 'none'}`);
    sync(article.querySelector('.pools'), s.pools.map((p) => [p.id, p]), makePool, (div, p) => {
      drawPool(div, p);
      p.hosts.forEach((h) => live.add(`${p.id}/${h.id}`));
    });
  });
  for (const key of samples.keys()) if (!live.has(key)) samples.delete(key);
}

function makeService() {
  return el('article', { class: 'service' },
    el('h3', {}, el('span', { class: 'name' }), ' ', el('span', { class: 'badge' }), ' ', el('small', { class: 'muted detail' })),
    el('div', { class: 'pools' }));
}

function makePool() {
  const head = el('tr', {}, ...HOST_COLUMNS.map(([name, label]) => el('th', { class: name }, label)));
  return el('div', { class: 'pool' },
    el('h4', {}, el('span', { class: 'name' }), ' ', el('span', { class: 'panic', hidden: '' }, 'panic'), ' ', el('small', { class: 'muted detail' })),
    el('table', { class: 'cards hosts' }, el('thead', {}, head), el('tbody')));
}

function drawPool(div, p) {
  Object.assign(div.dataset, { pool: p.id, panic: p.panic });
  text(div.querySelector('.name'), p.id);
  div.querySelector('.panic').hidden = !p.panic;
  const options = Object.entries(p.options).map(([name, value]) => `${name} ${typeof value === 'object' ? value.type : value}`);
  text(div.querySelector('.detail'), [`priority ${p.priority}`, p.method, ...options, p.detail].join(' · '));
  sync(div.querySelector('tbody'), p.hosts.map((h) => [h.id, h]), (h) => makeHost(p.id, h.id), (tr, h) => drawHost(tr, p.id, h));
}

function makeHost(pool, host) {
  const tr = row(HOST_COLUMNS);
  tr.dataset.host = `${pool}/${host}`;
  tr.cells[0].append(el('span', { class: 'who' }, el('b', { class: 'id' }), el('small', { class: 'muted address' })));
  for (const i of [4, 5, 6]) tr.cells[i].append(el('span', { class: 'metric' }, el('span', { class: 'value' }), spark()));
  // The cluster-wide view (clusterlb.cluster-load): the same host's load summed over every LB node.
  for (const i of [4, 5]) tr.cells[i].append(el('small', { class: 'muted cluster' }));
  tr.cells[8].append(el('span', { class: 'buttons' }, ...['drain', 'down', 'up'].map((verb) => actionButton(verb, pool, host))));
  return tr;
}

function drawHost(tr, pool, h) {
  Object.assign(tr.dataset, { health: h.health, state: h.state });
  const cells = tr.cells;
  text(cells[0].querySelector('.id'), h.id);
  // A discovered host follows its source: the address says which, and the admin buttons are not offered.
  const discovered = h.source != null && h.source !== 'static';
  tr.dataset.source = h.source ?? 'static';
  text(cells[0].querySelector('.address'), discovered ? `${h.address} · found by ${h.source}` : h.address);
  cells[8].querySelector('.buttons').hidden = discovered;
  text(cells[1], h.state);
  text(cells[2], h.health + (h.slowStartPercent != null ? ` (slow start ${h.slowStartPercent} %)` : ''));
  text(cells[3], String(h.weight));
  const s = sample(`${pool}/${h.id}`, h);
  metric(cells[4], String(h.inFlight), s.inFlight);
  metric(cells[5], s.rate.length ? s.rate.at(-1).toFixed(1) : '–', s.rate);
  const nodes = h.clusterNodes == null ? '' : ` (${h.clusterNodes} node${h.clusterNodes === 1 ? '' : 's'})`;
  text(cells[4].querySelector('.cluster'), h.clusterInFlight == null ? '' : `all nodes ${h.clusterInFlight}${nodes}`);
  text(cells[5].querySelector('.cluster'), h.clusterRequestsPerSecond == null ? '' : `all nodes ${h.clusterRequestsPerSecond.toFixed(1)} req/s`);
  metric(cells[6], h.latencyEwmaMs == null ? '–' : `${h.latencyEwmaMs.toFixed(1)} ms`, s.latency);
  const failures = h.consecutiveFailures ? ` (${h.consecutiveFailures} in a row)` : '';
  text(cells[7], !h.checked ? 'not yet' : h.lastCheckError ? `failed: ${h.lastCheckError}${failures}` : `ok, ${h.lastCheckLatencyMs.toFixed(1)} ms`);
  for (const button of cells[8].querySelectorAll('button')) button.classList.toggle('current', button.dataset.action === h.state);
}

/** Records one poll's counters for a host; the pick rate is the picks since the last poll over the time since. */
function sample(key, h) {
  const now = performance.now();
  let s = samples.get(key);
  if (!s) {
    samples.set(key, (s = { at: now, picks: h.picks, rate: [], inFlight: [], latency: [] }));
  } else if (now > s.at) {
    push(s.rate, Math.max(0, ((h.picks - s.picks) * 1000) / (now - s.at)));
    Object.assign(s, { at: now, picks: h.picks });
  }
  push(s.inFlight, h.inFlight);
  push(s.latency, h.latencyEwmaMs ?? 0);
  return s;
}

// --- admin actions ------------------------------------------------------------------------------------------
function actionButton(verb, pool, host) {
  const button = el('button', { type: 'button', 'data-action': verb, 'aria-label': `${verb} ${host} in pool ${pool}` }, verb);
  button.addEventListener('click', () => act(button, verb, pool, host));
  return button;
}

async function act(button, verb, pool, host) {
  const target = `${pool}/${host}`;
  const result = $('action-result');
  button.disabled = true;
  try {
    const answer = await call('POST', `/api/pools/${encodeURIComponent(pool)}/hosts/${encodeURIComponent(host)}/${verb}`);
    if (answer.ok) {
      const warning = answer.body.warning ? ` (${answer.body.warning})` : '';
      notice(result, 'ok', `${verb} ${target}: applied, consistency ${answer.body.consistency}${warning}`);
    } else {
      // A refused request changes nothing (docs/admin-api.md); a 503 may or may not have been applied.
      const hint = answer.status === 401 || answer.status === 403 ? ' Type a valid admin token above.' : '';
      const changed = answer.status < 500 ? ' Nothing was changed.' : ' Check GET /api/pools before trying again.';
      notice(result, 'error', `${verb} ${target} refused: ${refusal(answer)}.${changed}${hint}`);
    }
  } catch (error) {
    notice(result, 'error', `${verb} ${target}: no answer (${error.message}). Check GET /api/pools before trying again.`);
  } finally {
    button.disabled = false;
    refresh();
  }
}

// --- events: fetch() rather than EventSource, which cannot send the Authorization header ------------------------
function live(state, label) {
  $('live').dataset.live = state;
  text($('live'), `events: ${label}`);
}

async function followEvents() {
  events?.abort();
  const controller = (events = new AbortController());
  while (!controller.signal.aborted) {
    try {
      const response = await fetch('/events', { headers: authHeaders(), cache: 'no-store', signal: controller.signal });
      if (!response.ok) {
        const answer = { status: response.status, body: await response.json().catch(() => null) };
        live(response.status === 401 ? 'token' : 'off', response.status === 401 ? 'need the admin token' : refusal(answer));
        return; // a new token restarts the stream
      }
      live('live', 'live');
      await readEvents(response.body);
    } catch {
      if (controller.signal.aborted) return;
    }
    live('reconnecting', 'reconnecting');
    await new Promise((resolve) => setTimeout(resolve, RETRY_EVENTS_MS));
  }
}

/** Reads Server-Sent Events frames (blank-line separated; lines starting with ':' are heartbeats) until the end. */
async function readEvents(stream) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart()).join('\n');
      if (data) showEvent(JSON.parse(data));
    }
  }
}

function showEvent(e) {
  const list = $('events');
  const where = [e.service, e.pool, e.host].filter(Boolean).join('/');
  list.prepend(el('li', { 'data-kind': e.kind },
    el('time', { datetime: e.at }, new Date(e.at).toLocaleTimeString()), ' ', el('b', {}, e.kind), ` ${where} on ${e.node}: ${e.detail}`));
  while (list.children.length > MAX_EVENTS) list.lastElementChild.remove();
  refresh();
}

// --- start --------------------------------------------------------------------------------------------------
$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $('token').value.trim();
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  tokenChanged();
});
$('token-forget').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  tokenChanged();
});
showToken();
followEvents();
refresh();
setInterval(refresh, POLL_MS);
