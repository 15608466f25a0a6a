// 数据分析 charts: maps the chart specs the server puts in data-chart attributes
// (kind, categories, series; labels already translated) onto ECharts, and offers the
// number formats and the drawing helper the live dashboard uses. ECharts comes from
// vendor/echarts.min.js (a classic deferred script, run before this module). Tooltips
// are drawn on the canvas (renderMode richText) because the console's CSP forbids the
// inline styles of ECharts' HTML tooltips.

export const palette = ['#155bd4', '#ff6034', '#00a870', '#f5a623', '#7b61ff', '#13c2c2', '#eb2f96', '#8c8c8c'];

const zh = () => document.documentElement.lang !== 'en';

/** 12345 → "12,345" (as the server writes numbers). */
export function fmtNum(n) {
  return Math.round(Number(n) || 0).toLocaleString('en-US');
}

/** Fen → "¥1,234.50" (as the server writes money). */
export function fmtYuan(fen) {
  fen = Math.round(Number(fen) || 0);
  const sign = fen < 0 ? '-' : '';
  fen = Math.abs(fen);
  return sign + '¥' + Math.floor(fen / 100).toLocaleString('en-US') + '.' + String(fen % 100).padStart(2, '0');
}

/** A ratio (0.234) → "23.4%"; whole percentages without the decimal. */
export function fmtPct(f) {
  const p = Math.round((Number(f) || 0) * 1000) / 10;
  return (Number.isInteger(p) ? p.toFixed(0) : p.toFixed(1)) + '%';
}

/** A short axis number: 12000 → "1.2万" (zh) or "12k" (en). */
export function fmtShort(n) {
  n = Number(n) || 0;
  const a = Math.abs(n);
  if (zh() && a >= 10000) return (n / 10000).toFixed(a >= 100000 ? 0 : 1).replace(/\.0$/, '') + '万';
  if (!zh() && a >= 1000) return (n / 1000).toFixed(a >= 10000 ? 0 : 1).replace(/\.0$/, '') + 'k';
  return String(Math.round(n * 100) / 100);
}

/** Fills %s placeholders in order and {name} ones from vars; "%%" is a percent sign. */
export function fill(text, args = [], vars = {}) {
  let i = 0;
  return String(text || '')
    .replace(/%[sd]/g, () => (i < args.length ? String(args[i++]) : ''))
    .replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m))
    .replace(/%%/g, '%');
}

function colors(dark) {
  return dark
    ? { text: '#c9d3e6', axis: '#3a4660', split: 'rgba(148, 163, 200, .14)', tipBg: '#101726', tipText: '#e8eefc', mute: '#6c7a96' }
    : { text: '#4e5969', axis: '#c9cdd4', split: '#eef0f3', tipBg: '#1d2129', tipText: '#fff', mute: '#86909c' };
}

function tooltip(c, formatter) {
  return { trigger: 'axis', renderMode: 'richText', backgroundColor: c.tipBg, borderWidth: 0, padding: [8, 12],
    textStyle: { color: c.tipText, fontSize: 12, lineHeight: 18 }, axisPointer: { type: 'shadow' }, formatter };
}

const valueText = (s, v) => (s.money ? fmtYuan(Math.round(v * 100)) : s.pct ? v + '%' : fmtNum(v));

/** Builds the ECharts option for a spec; opts.dark for the dashboard's dark screen. */
export function option(spec, opts = {}) {
  const c = colors(!!opts.dark);
  const series = spec.series || [];
  const base = { color: opts.colors || palette, animationDuration: 500, textStyle: { fontFamily: 'inherit' } };
  const legend = { bottom: 0, icon: 'roundRect', itemWidth: 12, itemHeight: 8, textStyle: { color: c.text } };

  if (spec.kind === 'pie' || spec.kind === 'pies' || spec.kind === 'funnel') {
    const s = series[0] || { items: [] };
    const total = (s.items || []).reduce((a, x) => a + x.value, 0);
    const tip = { trigger: 'item', renderMode: 'richText', backgroundColor: c.tipBg, borderWidth: 0, padding: [8, 12],
      textStyle: { color: c.tipText, fontSize: 12 },
      formatter: (p) => p.name + '\n' + fmtNum(p.value) + (total ? '  (' + fmtPct(p.value / total) + ')' : '') };
    if (spec.kind === 'pie' || spec.kind === 'pies') {
      // Donuts without outside labels (they collide on small slices): the legend
      // carries the shares, the tooltip the counts. "pies" puts one donut per series
      // side by side, each titled with its series name.
      const several = spec.kind === 'pies';
      const share = {};
      for (const x of s.items || []) share[x.name] = total ? fmtPct(x.value / total) : '';
      const n = several ? series.length : 1;
      return { ...base, tooltip: { ...tip, formatter: (p) => p.seriesName + '\n' + p.name + ': ' + valueText(series[p.seriesIndex], p.value) + '  (' + p.percent + '%)' },
        legend: { ...legend, formatter: several ? undefined : (name) => name + '  ' + (share[name] || '') },
        title: several ? series.map((x, i) => ({ text: x.name, left: ((i + 0.5) * 100) / n + '%', top: '40%', textAlign: 'center',
          textStyle: { fontSize: 12, fontWeight: 600, color: c.text } })) : undefined,
        series: series.slice(0, n).map((x, i) => ({ type: 'pie', name: x.name, radius: several ? ['42%', '64%'] : ['48%', '72%'],
          center: [((i + 0.5) * 100) / n + '%', several ? '44%' : '44%'], label: { show: false }, labelLine: { show: false },
          emphasis: { scale: true, scaleSize: 4 },
          itemStyle: { borderColor: opts.dark ? '#0f1830' : '#fff', borderWidth: 2, borderRadius: 4 },
          data: (x.items || []).filter((it) => it.value > 0) })) };
    }
    const first = s.items.length ? s.items[0].value : 0;
    return { ...base, tooltip: tip,
      series: [{ type: 'funnel', name: s.name, sort: 'none', left: '6%', right: '6%', top: 8, bottom: 8, gap: 3, minSize: '18%',
        max: first || 1, min: 0, funnelAlign: 'center',
        label: { position: 'inside', color: '#fff', fontWeight: 600, formatter: (p) => p.name + '  ' + fmtNum(p.value) },
        itemStyle: { borderWidth: 0 }, data: s.items }] };
  }

  const right = series.some((s) => s.right);
  const yAxis = (money) => ({ type: 'value', splitLine: { lineStyle: { color: c.split } }, axisLabel: { color: c.mute,
    formatter: (v) => (money ? '¥' : '') + fmtShort(v) }, minInterval: money ? 0 : 1 });
  const leftMoney = series.some((s) => !s.right && s.money);
  const rightMoney = series.some((s) => s.right && s.money);
  const axes = [yAxis(leftMoney)];
  if (right) axes.push({ ...yAxis(rightMoney), splitLine: { show: false } });
  const many = (spec.x || []).length > 12;
  return { ...base,
    grid: { left: 8, right: right ? 8 : 16, top: 16, bottom: series.length > 1 ? 36 : 8, containLabel: true },
    legend: series.length > 1 ? legend : undefined,
    tooltip: tooltip(c, (ps) => [ps[0].axisValueLabel.replace(/\n/g, ' ')].concat(ps.map((p) => p.seriesName + ': ' + valueText(series[p.seriesIndex], p.value))).join('\n')),
    xAxis: { type: 'category', data: spec.x, boundaryGap: spec.kind !== 'line', axisLine: { lineStyle: { color: c.axis } },
      axisTick: { show: false }, axisLabel: { color: c.mute, fontSize: 11, hideOverlap: many, interval: many ? 'auto' : 0 } },
    yAxis: axes,
    series: series.map((s, i) => {
      const line = spec.kind === 'line' || s.line;
      const out = { name: s.name, type: line ? 'line' : 'bar', data: s.data, yAxisIndex: s.right ? 1 : 0, stack: s.stack || undefined };
      if (line) {
        Object.assign(out, { smooth: true, symbol: 'circle', symbolSize: 6, showSymbol: (s.data || []).length <= 30,
          lineStyle: { width: 2.5 } });
        if (spec.kind === 'line') out.areaStyle = { opacity: 0.12 };
      } else {
        Object.assign(out, { barMaxWidth: 36, itemStyle: { borderRadius: s.stack ? 0 : [4, 4, 0, 0] } });
        if (spec.mark >= 0) {
          out.data = (s.data || []).map((v, j) => (j === spec.mark ? v : { value: v, itemStyle: { opacity: 0.45 } }));
        }
      }
      if (s.stack && i === series.length - 1) out.itemStyle = { borderRadius: [4, 4, 0, 0] };
      return out;
    }) };
}

const drawn = new Set();

/** Draws (or redraws) spec into el and keeps it sized with its container. */
export function draw(el, spec, opts = {}) {
  if (!window.echarts || !el) return null;
  let chart = window.echarts.getInstanceByDom(el);
  if (!chart) {
    chart = window.echarts.init(el, null, { renderer: 'canvas' });
    drawn.add(chart);
  }
  chart.setOption(option(spec, opts), { notMerge: !!opts.replace, lazyUpdate: true });
  return chart;
}

/** The same, from a prepared ECharts option (the dashboard's own charts). */
export function drawOption(el, opt, replace = false) {
  if (!window.echarts || !el) return null;
  let chart = window.echarts.getInstanceByDom(el);
  if (!chart) {
    chart = window.echarts.init(el, null, { renderer: 'canvas' });
    drawn.add(chart);
  }
  chart.setOption(opt, { notMerge: replace, lazyUpdate: true });
  return chart;
}

export { colors, tooltip };

let resizeTimer;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => drawn.forEach((ch) => ch.resize()), 120);
});
document.addEventListener('fullscreenchange', () => setTimeout(() => drawn.forEach((ch) => ch.resize()), 60));

document.querySelectorAll('[data-chart]').forEach((el) => {
  let spec;
  try { spec = JSON.parse(el.getAttribute('data-chart')); } catch { return; }
  draw(el, spec);
});
