// report.html's own style sheet and script (the chart library is inlined beside them when the
// report is written). Kept apart from the writer: they are the page, not C++.
#include "html_assets.h"

namespace multitier::html_assets {

const char* const kStyle = R"css(
:root{--fg:#1d2330;--muted:#5b6475;--line:#d9dee7;--bg:#fff;--head:#f3f5f9;--good:#1a7f37;--bad:#c62828}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1240px;margin:0 auto;padding:20px 24px 40px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:20px;margin:28px 0 8px;padding-top:12px;border-top:2px solid var(--line)}
h3{font-size:16px;margin:22px 0 6px}
h4{font-size:14px;margin:14px 0 4px}
.sub{color:var(--muted);margin:0 0 12px}
.banner{padding:10px 14px;border-radius:6px;margin:12px 0;font-size:15px}
.banner-bad{background:#fdecea;border:1px solid #f5b5ae;color:#8a1c13}
.banner-good{background:#e8f5ec;border:1px solid #a9d8b6;color:#145c29}
.note{background:#fff8e1;border:1px solid #f1d58a;padding:8px 12px;border-radius:6px}
.small{color:var(--muted);font-size:12.5px;margin:4px 0}
table{border-collapse:collapse;margin:6px 0 10px;font-variant-numeric:tabular-nums}
th,td{padding:4px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:var(--head);font-weight:600;border-bottom:1px solid #c3cad6;white-space:nowrap}
tfoot th,tfoot td{font-weight:600;border-top:1px solid #c3cad6}
tbody tr:nth-child(even){background:#fafbfd}
.n{text-align:right;white-space:nowrap}
table.kv th{font-weight:600;background:var(--head);white-space:nowrap}
table.kv td{overflow-wrap:anywhere}
table.figures{width:100%}
.tag{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:700;vertical-align:middle}
.tag-pass{background:#e8f5ec;color:var(--good)}
.tag-fail{background:#fdecea;color:var(--bad)}
.label{color:var(--muted);font-weight:400;font-size:15px}
.seed{font-size:15px}
code.message{white-space:pre-wrap;word-break:break-all;font-size:12px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(540px,1fr));gap:14px 20px}
figure.chart{margin:0;border:1px solid var(--line);border-radius:8px;padding:10px 12px}
figure.chart figcaption{font-weight:600;margin-bottom:4px}
.canvas{position:relative;height:300px}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}
.s0{background:#0072B2}.s1{background:#E69F00}.s2{background:#009E73}.s3{background:#D55E00}.s4{background:#CC79A7}.s5{background:#56B4E9}
.run-grid{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:0 28px}
.run-grid>div{min-width:0}
footer{color:var(--muted);font-size:12px;margin-top:28px;border-top:1px solid var(--line);padding-top:8px}
)css";

// The page's own script: reads the JSON blob and draws each case's charts. Does nothing when
// the library is absent (the page then says so in static text).
const char* const kScript = R"js(
(function () {
  'use strict';
  var blob = document.getElementById('report-data');
  var data = JSON.parse(blob.textContent);
  if (typeof Chart === 'undefined') return;
  var palette = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9'];
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  Chart.defaults.color = '#1d2330';
  Chart.defaults.plugins.legend.labels.boxWidth = 14;
  function fmtMs(v) {
    if (v === null || !isFinite(v)) return '—';
    if (v >= 1000) return +(v / 1000).toPrecision(3) + ' s';
    if (v >= 1) return +v.toPrecision(3) + ' ms';
    return +(v * 1000).toPrecision(3) + ' µs';
  }
  function fmtTime(v) {
    if (v < 120) return +v.toFixed(1) + ' s';
    var m = Math.floor(v / 60), s = Math.round(v - 60 * m);
    return m + ':' + (s < 10 ? '0' : '') + s;
  }
  function logTick(v) {
    var m = v / Math.pow(10, Math.floor(Math.log10(v) + 1e-9));
    return (Math.abs(m - 1) < 1e-6 || Math.abs(m - 2) < 1e-6 || Math.abs(m - 5) < 1e-6) ? fmtMs(v) : '';
  }
  function points(t, ys) {
    return t.map(function (x, i) { var y = ys[i]; return {x: x, y: y === null ? NaN : y}; });
  }
  function line(label, t, ys, color, extra) {
    var d = {label: label, data: points(t, ys), borderColor: color, backgroundColor: color,
             borderWidth: 2, pointRadius: t.length > 90 ? 0 : 2, pointHoverRadius: 4,
             tension: 0, spanGaps: false};
    for (var k in (extra || {})) d[k] = extra[k];
    return d;
  }
  function timeAxis(c) {
    return {type: 'linear', min: 0, max: Math.max(c.wall_s, c.t[c.t.length - 1] || 0),
            title: {display: true, text: 'time since the measured phase began'},
            ticks: {callback: fmtTime, maxTicksLimit: 12}};
  }
  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    config.options = config.options || {};
    config.options.parsing = config.options.parsing === undefined ? false : config.options.parsing;
    config.options.normalized = true;
    new Chart(canvas, config);
  }
  data.cases.forEach(function (c) {
    if (c.t && c.throughput) {
      var th = c.throughput;
      var sets = [line('scenarios/s', c.t, th.scenarios, '#0072B2'),
                  line('HTTP requests/s', c.t, th.requests, '#56B4E9'),
                  line('failed scenarios/s', c.t, th.failures, '#D55E00', {yAxisID: 'errors'}),
                  line('failed HTTP requests/s', c.t, th.request_failures, '#E69F00',
                       {yAxisID: 'errors', borderDash: [5, 3]})];
      if (th.dropped) sets.push(line('dropped starts/s', c.t, th.dropped, '#CC79A7', {yAxisID: 'errors'}));
      if (th.target) sets.push(line('target starts/s', c.t, th.target, '#7a7f8a', {borderDash: [2, 3], pointRadius: 0}));
      draw(c.id + '-throughput', {type: 'line', data: {datasets: sets}, options: {
        interaction: {mode: 'index', intersect: false},
        scales: {x: timeAxis(c),
                 y: {type: 'linear', position: 'left', beginAtZero: true,
                     title: {display: true, text: 'runs and requests per second'}},
                 errors: {type: 'linear', position: 'right', beginAtZero: true, suggestedMax: 1,
                          title: {display: true, text: th.dropped ? 'failed or dropped per second' : 'failed per second'},
                          grid: {drawOnChartArea: false}}},
        plugins: {tooltip: {callbacks: {title: function (items) { return fmtTime(items[0].parsed.x); }}}}}});
    }
    if (c.t && c.latency) {
      var l = c.latency;
      var lat = [line('p50', c.t, l.p50, '#56B4E9'),
                 line('p95', c.t, l.p95, '#0072B2'),
                 line('p99', c.t, l.p99, '#003a63'),
                 line('HTTP p50', c.t, l.http_p50, '#F0B860', {borderDash: [6, 3]}),
                 line('HTTP p95', c.t, l.http_p95, '#E69F00', {borderDash: [6, 3]}),
                 line('HTTP p99', c.t, l.http_p99, '#D55E00', {borderDash: [6, 3]})];
      if (l.corrected_p99) lat.push(line('corrected p99', c.t, l.corrected_p99, '#CC79A7', {borderDash: [2, 2]}));
      draw(c.id + '-latency', {type: 'line', data: {datasets: lat}, options: {
        interaction: {mode: 'index', intersect: false},
        scales: {x: timeAxis(c), y: {type: 'logarithmic', title: {display: true, text: 'latency'},
                 ticks: {callback: logTick, autoSkip: false}}},
        plugins: {tooltip: {callbacks: {
          title: function (items) { return fmtTime(items[0].parsed.x); },
          label: function (item) { return item.dataset.label + ': ' + fmtMs(item.parsed.y); }}}}}});
    }
    if (c.distribution && c.distribution.lines.length) {
      var dist = [];
      c.distribution.lines.forEach(function (s) {
        var color = palette[s.index % palette.length];
        dist.push({label: s.name, data: s.raw, borderColor: color, backgroundColor: color,
                   borderWidth: 2, pointRadius: 3, tension: 0});
        if (s.corrected) dist.push({label: s.name + ' (corrected)', data: s.corrected, borderColor: color,
                                    backgroundColor: color, borderWidth: 2, borderDash: [6, 3],
                                    pointRadius: 3, pointStyle: 'rectRot', tension: 0});
      });
      draw(c.id + '-distribution', {type: 'line', data: {labels: c.distribution.labels, datasets: dist},
        options: {parsing: true, interaction: {mode: 'index', intersect: false},
          scales: {x: {title: {display: true, text: 'percentile'}},
                   y: {type: 'logarithmic', title: {display: true, text: 'latency'},
                       ticks: {callback: logTick, autoSkip: false}}},
          plugins: {
            // Corrected lines share their scenario's colour (dashed): one legend entry each.
            legend: {labels: {filter: function (item) { return !/\(corrected\)$/.test(item.text); }}},
            tooltip: {callbacks: {
              label: function (item) { return item.dataset.label + ': ' + fmtMs(item.parsed.y); }}}}}});
    }
    if (c.t && c.footprint) {
      var f = c.footprint;
      draw(c.id + '-footprint', {type: 'line', data: {datasets: [
          line('gateway CPU (% of one core)', c.t, f.cpu, '#009E73', {yAxisID: 'cpu'}),
          line('gateway RSS (MiB)', c.t, f.rss_mib, '#CC79A7',
               {yAxisID: 'rss', fill: 'origin', backgroundColor: 'rgba(204, 121, 167, 0.18)'})]},
        options: {interaction: {mode: 'index', intersect: false},
          scales: {x: timeAxis(c),
                   cpu: {type: 'linear', position: 'left', beginAtZero: true, title: {display: true, text: 'CPU %'}},
                   rss: {type: 'linear', position: 'right', beginAtZero: true, title: {display: true, text: 'RSS (MiB)'},
                         grid: {drawOnChartArea: false}}},
          plugins: {tooltip: {callbacks: {title: function (items) { return fmtTime(items[0].parsed.x); }}}}}});
    }
  });
})();
)js";

}  // namespace multitier::html_assets
