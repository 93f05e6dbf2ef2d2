// The dashboard charts (docs/DASHBOARDS.md): drawn with the vendored ECharts from the figures the
// server embedded in the page (#dashboard-data, the same document GET /api/v1/dashboard/charts
// returns). Nothing is computed here: the script only picks values and follows each element's link.
(function () {
  "use strict";
  var holder = document.getElementById("dashboard-data");
  if (!holder || !window.echarts) return;
  var d = JSON.parse(holder.textContent);
  var charts = [];
  function go(link) {
    if (link) window.location.href = link;
  }
  function init(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    var c = window.echarts.init(el, null, { renderer: "canvas" });
    charts.push(c);
    return c;
  }
  var palette = ["#c0392b", "#2874a6", "#1e8449", "#b9770e", "#7d3c98", "#566573"];

  var trend = init("chart-trend");
  if (trend) {
    trend.setOption({
      color: palette,
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: d.trends.map(function (s) { return s.label; }) },
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: d.days, axisLabel: { formatter: function (v) { return v.slice(5); } } },
      yAxis: { type: "value", minInterval: 1 },
      series: d.trends.map(function (s) {
        return { name: s.label, type: "line", smooth: false, symbolSize: 6, data: s.values };
      }),
    });
    trend.on("click", function (p) { go(d.trends[p.seriesIndex].link); });
  }

  // The mean series (签发评估平均分): one chart each, a gap on days without any; a click opens
  // the list behind it.
  (d.means || []).forEach(function (m, i) {
    var c = init("chart-mean-" + m.key);
    if (!c) return;
    c.setOption({
      color: [palette[4]],
      tooltip: { trigger: "axis", formatter: function (ps) {
        var p = ps[0];
        return p.name + "<br>" + m.label + "：" + (p.value == null ? "无" : p.value + " 分（" + m.counts[p.dataIndex] + " 份）");
      } },
      grid: { left: 40, right: 16, top: 16, bottom: 28 },
      xAxis: { type: "category", data: d.days, axisLabel: { formatter: function (v) { return v.slice(5); } } },
      yAxis: { type: "value", min: 0, max: 100 },
      series: [{ name: m.label, type: "line", connectNulls: false, symbolSize: 8, data: m.values }],
    });
    c.on("click", function () { go(d.means[i].link); });
  });

  var figure = document.getElementById("chart-figure");
  function chosen() {
    return figure ? figure.value : "hazards_open";
  }
  function label(key) {
    for (var i = 0; i < d.figures.length; i++) if (d.figures[i].key === key) return d.figures[i].label;
    return key;
  }

  var areas = init("chart-areas");
  function drawAreas() {
    if (!areas) return;
    var key = chosen();
    areas.setOption({
      color: [palette[1]],
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: d.by_area.map(function (a) { return a.name; }),
               axisLabel: { interval: 0, fontSize: 11 } },
      series: [{ name: label(key), type: "bar", label: { show: true, position: "right" },
                 data: d.by_area.map(function (a) { return { value: a.values[key], link: a.link, code: a.code }; }) }],
    }, true);
  }
  if (areas) {
    areas.on("click", function (p) { go(p.data && p.data.link); });
    drawAreas();
  }

  var map = init("chart-map");
  function drawMap() {
    if (!map) return;
    var key = chosen();
    var data = d.map.areas.map(function (a) {
      return { name: a.name, value: a.values[key], link: a.link, code: a.code };
    });
    var max = 1;
    data.forEach(function (x) { if (x.value > max) max = x.value; }); // colour scale only
    map.setOption({
      tooltip: { trigger: "item", formatter: function (p) {
        return p.data ? p.name + "<br>" + label(key) + "：" + p.data.value : p.name + "：不在本辖区";
      } },
      visualMap: { min: 0, max: max, text: ["多", "少"], calculable: false, left: 8, bottom: 8,
                   inRange: { color: ["#fdf2e9", "#e59866", "#a93226"] } },
      series: [{ id: "areas", type: "map", map: "zhejiang-" + d.map.geo, roam: false, selectedMode: false,
                 label: { show: true, fontSize: 11 }, itemStyle: { areaColor: "#eeeeee", borderColor: "#888" },
                 emphasis: { label: { show: true } }, data: data }],
    }, true);
  }
  if (map) {
    map.on("click", function (p) { go(p.data && p.data.link); });
    fetch("/static/geo/" + d.map.geo + ".json")
      .then(function (r) { return r.json(); })
      .then(function (geo) {
        window.echarts.registerMap("zhejiang-" + d.map.geo, geo);
        drawMap();
        document.getElementById("chart-map").setAttribute("data-ready", "1");
      });
  }

  if (figure) {
    figure.addEventListener("change", function () {
      drawMap();
      drawAreas();
    });
  }
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
