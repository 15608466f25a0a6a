// 数据大屏: polls GET /api/v1/sessions/{id}/dashboard every second and updates the
// page in place — KPI tiles, the per-second online chart (kept here, from the polls),
// the per-minute trend, traffic by channel, the window comparison, top products and
// the drop alert. The API wants a bearer token: the console mints one for the signed-in
// member (a CSRF-protected POST, as the studio does) and it is kept for the tab.

import { fmtNum, fmtYuan, fmtPct, fill, drawOption, colors, tooltip, palette } from './analytics-charts.js';

const root = document.getElementById('ascreen');
const POLL_MS = 1000;
const ONLINE_POINTS = 600; // ten minutes of seconds

function json(attr, fallback) {
  try { return JSON.parse(root.getAttribute(attr) || ''); } catch { return fallback; }
}

if (root) start();

function start() {
  const sid = root.getAttribute('data-session');
  const uid = root.getAttribute('data-user');
  const texts = json('data-texts', {});
  const names = json('data-names', {});
  const t = (k, ...args) => fill(texts[k] != null ? texts[k] : k, args);
  const $ = (s) => root.querySelector(s);
  const csrf = (() => {
    try { return JSON.parse(document.body.getAttribute('hx-headers') || '{}')['X-CSRF-Token'] || ''; } catch { return ''; }
  })();
  const pad = (n) => String(n).padStart(2, '0');
  const clock = (d) => pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  const watch = (sec) => {
    sec = Math.max(0, Math.round(sec || 0));
    const h = Math.floor(sec / 3600), m = Math.floor((sec % 3600) / 60), s = sec % 60;
    if (h) return t('unit.hm', h, m);
    if (m) return t('unit.ms', m, pad(s));
    return t('unit.s', s);
  };
  const fmt = { num: fmtNum, yuan: fmtYuan, pct: fmtPct, watch };

  // ---------- the token ----------
  const key = 'siyu.analytics.token.' + uid;
  async function token(fresh) {
    if (!fresh) {
      try {
        const c = JSON.parse(sessionStorage.getItem(key) || 'null');
        if (c && new Date(c.expires_at).getTime() - Date.now() > 60000) return c.token;
      } catch { /* mint a new one */ }
    }
    const r = await fetch('/console/analytics/token', { method: 'POST', headers: { 'X-CSRF-Token': csrf }, credentials: 'same-origin' });
    if (!r.ok) throw new Error(t('token_failed', r.status));
    const c = await r.json();
    try { sessionStorage.setItem(key, JSON.stringify(c)); } catch { /* private mode: keep it in memory */ }
    return c.token;
  }

  // ---------- charts ----------
  const dark = colors(true);
  const online = [];
  const onlineEl = $('[data-online-chart]');
  const trendEl = $('[data-trend-chart]');
  const channelEl = $('[data-channel-chart]');
  const axisX = { axisLine: { lineStyle: { color: dark.axis } }, axisTick: { show: false }, axisLabel: { color: dark.mute, hideOverlap: true } };
  const axisY = { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: dark.split } }, axisLabel: { color: dark.mute } };

  function drawOnline() {
    drawOption(onlineEl, {
      animation: false, color: ['#36cfc9'], grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: tooltip(dark, (ps) => clock(new Date(ps[0].value[0])) + '\n' + t('online') + ': ' + fmtNum(ps[0].value[1])),
      xAxis: { type: 'time', ...axisX, splitLine: { show: false }, axisLabel: { ...axisX.axisLabel, formatter: (v) => clock(new Date(v)) } },
      yAxis: axisY,
      series: [{ type: 'line', name: t('online'), data: online, showSymbol: false, smooth: 0.3, lineStyle: { width: 2.5 },
        areaStyle: { color: new window.echarts.graphic.LinearGradient(0, 0, 0, 1, [{ offset: 0, color: 'rgba(54, 207, 201, .45)' }, { offset: 1, color: 'rgba(54, 207, 201, 0)' }]) } }],
    });
  }

  function drawTrend(series) {
    const x = series.map((p) => { const d = new Date(p.at); return pad(d.getHours()) + ':' + pad(d.getMinutes()); });
    drawOption(trendEl, {
      color: ['#4e8cff', '#ffb340', '#ff6b6b'], animationDuration: 300,
      grid: { left: 8, right: 8, top: 16, bottom: 36, containLabel: true },
      legend: { bottom: 0, icon: 'roundRect', itemWidth: 12, itemHeight: 8, textStyle: { color: dark.text } },
      tooltip: tooltip(dark, (ps) => [ps[0].axisValueLabel].concat(ps.map((p) => p.seriesName + ': ' + fmtNum(p.value))).join('\n')),
      xAxis: { type: 'category', data: x, ...axisX },
      yAxis: [axisY, { ...axisY, splitLine: { show: false } }],
      series: [
        { type: 'bar', name: t('joins'), data: series.map((p) => p.joins), barMaxWidth: 14, itemStyle: { borderRadius: [3, 3, 0, 0] } },
        { type: 'bar', name: t('interactions'), data: series.map((p) => p.comments + p.likes + p.gifts), barMaxWidth: 14, itemStyle: { borderRadius: [3, 3, 0, 0] } },
        { type: 'line', name: t('orders'), yAxisIndex: 1, data: series.map((p) => p.orders), smooth: true, symbolSize: 5, lineStyle: { width: 2.5 } },
      ],
    });
  }

  function drawChannels(list) {
    const data = list.filter((c) => c.viewers > 0).map((c) => ({ name: names[c.channel] || c.channel, value: c.viewers }));
    const total = data.reduce((a, c) => a + c.value, 0);
    const share = Object.fromEntries(data.map((c) => [c.name, fmtPct(total ? c.value / total : 0)]));
    drawOption(channelEl, {
      color: palette, animationDuration: 300,
      title: data.length ? undefined : { text: t('no_channels'), left: 'center', top: 'middle', textStyle: { color: dark.mute, fontSize: 13, fontWeight: 400 } },
      tooltip: { trigger: 'item', renderMode: 'richText', backgroundColor: dark.tipBg, borderWidth: 0, textStyle: { color: dark.tipText, fontSize: 12 },
        formatter: (p) => p.name + '\n' + t('people', fmtNum(p.value)) + '  (' + share[p.name] + ')' },
      legend: { bottom: 0, icon: 'circle', itemWidth: 8, itemHeight: 8, textStyle: { color: dark.text }, formatter: (n) => n + '  ' + (share[n] || '') },
      series: [{ type: 'pie', radius: ['50%', '74%'], center: ['50%', '44%'], data, label: { show: false }, labelLine: { show: false },
        itemStyle: { borderColor: '#0f1830', borderWidth: 2, borderRadius: 4 } }],
    }, true);
  }

  // ---------- figures ----------
  function setText(el, text) {
    if (el.textContent === text) return;
    el.textContent = text;
    el.classList.remove('bump');
    void el.offsetWidth;
    el.classList.add('bump');
  }

  function setTiles(d) {
    root.querySelectorAll('[data-k]').forEach((el) => {
      const k = el.getAttribute('data-k');
      if (d[k] == null) return;
      setText(el, (fmt[el.getAttribute('data-fmt')] || fmtNum)(d[k]));
    });
  }

  const interactions = (w) => (w.comments || 0) + (w.likes || 0) + (w.gifts || 0) + (w.shares || 0) + (w.follows || 0);
  const windowValue = { joins: (w) => w.joins, interactions, product_views: (w) => w.product_views, orders: (w) => w.orders, gmv: (w) => w.gmv };

  function setWindow(w) {
    if (!w || !w.current) return;
    root.querySelectorAll('[data-w]').forEach((row) => {
      const m = row.getAttribute('data-w');
      const cur = windowValue[m](w.current) || 0, prev = windowValue[m](w.previous || {}) || 0;
      const f = m === 'gmv' ? fmtYuan : fmtNum;
      row.querySelector('[data-w-now]').textContent = f(cur);
      row.querySelector('[data-w-prev]').textContent = f(prev);
      const chg = row.querySelector('[data-w-chg]');
      chg.classList.remove('up', 'down');
      if (prev > 0) {
        const c = (cur - prev) / prev;
        chg.textContent = (c > 0 ? '+' : c < 0 ? '−' : '') + fmtPct(Math.abs(c));
        if (c > 0) chg.classList.add('up');
        if (c < 0) chg.classList.add('down');
      } else {
        chg.textContent = cur > 0 ? t('new') : '—';
        if (cur > 0) chg.classList.add('up');
      }
    });
    const note = $('[data-window-note]');
    if (note) note.hidden = !!w.complete;
  }

  let dismissed = 0;
  function setAlert(alerts) {
    const box = $('[data-alert]');
    const a = (alerts || [])[0];
    if (!a || a.id <= dismissed) { box.hidden = true; return; }
    box.hidden = false;
    box.querySelector('[data-alert-text]').textContent = fill(texts['alert.' + a.kind] || a.message, [], {
      m: a.window_minutes, pct: Math.round(-a.change * 100), prev: fmtNum(a.previous), cur: fmtNum(a.current) });
  }
  $('[data-alert-close]')?.addEventListener('click', () => {
    dismissed = Number(root.getAttribute('data-alert-id')) || 0;
    $('[data-alert]').hidden = true;
  });

  function setTop(list) {
    const body = $('[data-top]');
    const rows = (list || []).map((p, i) => {
      const tr = document.createElement('tr');
      const cell = (text, cls) => { const td = document.createElement('td'); if (cls) td.className = cls; td.textContent = text; tr.appendChild(td); return td; };
      const rank = cell('', 'atop-rank');
      const b = document.createElement('span');
      b.className = 'arank arank-' + (i + 1);
      b.textContent = String(i + 1);
      rank.appendChild(b);
      cell(p.name, 'ellipsis');
      cell(fmtNum(p.views), 'num');
      cell(fmtNum(p.checkouts), 'num');
      cell(fmtNum(p.orders), 'num');
      cell(fmtNum(p.units), 'num');
      cell(fmtYuan(p.gmv), 'atop-gmv');
      return tr;
    });
    body.replaceChildren(...rows);
    $('[data-top-empty]').hidden = rows.length > 0;
  }

  const pulse = document.querySelector('[data-pulse]');
  const pulseText = document.querySelector('[data-pulse-text]');
  function setPulse(state) {
    if (!pulse || pulse.getAttribute('data-state') === state) return;
    pulse.setAttribute('data-state', state);
    pulseText.textContent = t(state === 'ok' ? 'live' : state === 'ended' ? 'ended' : 'retrying');
  }

  let status = root.getAttribute('data-status');
  function update(d) {
    status = d.status;
    root.setAttribute('data-status', d.status);
    if (d.alerts && d.alerts[0]) root.setAttribute('data-alert-id', d.alerts[0].id);
    setTiles(d);
    const asOf = new Date(d.as_of);
    const asOfEl = document.querySelector('[data-asof]');
    if (asOfEl && !isNaN(asOf)) asOfEl.textContent = clock(asOf);
    const at = isNaN(asOf) ? Date.now() : asOf.getTime();
    if (!online.length || online[online.length - 1][0] < at) online.push([at, d.online]);
    while (online.length > ONLINE_POINTS) online.shift();
    drawOnline();
    drawTrend(d.series || []);
    drawChannels(d.channels || []);
    setWindow(d.window);
    setAlert(d.alerts);
    setTop(d.top_products);
    $('[data-ended]').hidden = d.status !== 'ended';
    setPulse(d.status === 'ended' ? 'ended' : 'ok');
  }

  // ---------- the poll ----------
  let tok = '';
  let failures = 0;
  async function poll() {
    const began = Date.now();
    try {
      if (!tok) tok = await token(false);
      let r = await fetch(`/api/v1/sessions/${sid}/dashboard`, { headers: { Accept: 'application/json', Authorization: 'Bearer ' + tok }, credentials: 'same-origin' });
      if (r.status === 401) {
        tok = await token(true);
        r = await fetch(`/api/v1/sessions/${sid}/dashboard`, { headers: { Accept: 'application/json', Authorization: 'Bearer ' + tok }, credentials: 'same-origin' });
      }
      if (!r.ok) throw new Error('HTTP ' + r.status);
      update(await r.json());
      failures = 0;
    } catch (err) {
      failures++;
      setPulse('retry');
    }
    // An ended show changes no more: slow down. Failures back off up to 10 s.
    const every = status === 'ended' ? 15000 : failures ? Math.min(10000, POLL_MS * 2 ** failures) : POLL_MS;
    setTimeout(poll, Math.max(100, every - (Date.now() - began)));
  }

  // ---------- on-air clock, full screen ----------
  // The server's time on air (interruptions excluded) plus the time since the page loaded.
  const elapsed = root.querySelector('[data-elapsed]');
  const base = Number(elapsed?.getAttribute('data-duration')) || 0;
  const loaded = Date.now();
  if (elapsed) {
    setInterval(() => { if (status === 'live') elapsed.textContent = watch(base + (Date.now() - loaded) / 1000); }, 1000);
  }
  document.querySelector('[data-fullscreen]')?.addEventListener('click', () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else root.requestFullscreen?.();
  });

  const first = Number(root.querySelector('[data-k=online]')?.textContent.replace(/,/g, '')) || 0;
  online.push([Date.now(), first]);
  drawOnline();
  poll();
}
