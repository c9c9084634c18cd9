// The dashboard's charts, drawn with the vendored uPlot from the JSON the page embeds
// (#dashboard-data). The tables next to them hold the same numbers, so without
// JavaScript nothing is lost but the pictures.
"use strict";

(function () {
  const source = document.getElementById("dashboard-data");
  if (!source || typeof window.uPlot !== "function") return;
  const data = JSON.parse(source.textContent);
  const palette = ["#2f5bd3", "#1f7a4d", "#b3261e", "#b26a00", "#7b3fb8", "#00838f",
                   "#5b6475", "#c2185b", "#558b2f", "#4e342e"];
  const drawn = [];

  function widthOf(element) {
    return Math.max(240, element.clientWidth - 16);
  }

  function eventsChart(element) {
    const types = Object.keys(data.series);
    const xs = data.days.map((day) => Date.parse(day + "T00:00:00Z") / 1000);
    const series = [{ label: "day" }];
    const values = [xs];
    types.forEach((type, i) => {
      series.push({ label: type, stroke: palette[i % palette.length], width: 2,
                    points: { show: true, size: 5 } });
      values.push(data.series[type]);
    });
    // One tick per day at most, thinned out so labels (MM-DD) never overlap.
    const ticks = (u) => {
      const every = Math.max(1, Math.ceil(xs.length / Math.max(1, Math.floor(u.bbox.width / devicePixelRatio / 56))));
      return xs.filter((_, i) => (xs.length - 1 - i) % every === 0);
    };
    const options = {
      width: widthOf(element),
      height: 260,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
      axes: [
        { splits: ticks, values: (u, splits) => splits.map((ts) => data.days[xs.indexOf(ts)].slice(5)) },
        { label: "events", size: 60 },
      ],
      legend: { live: false },
      series,
    };
    return new uPlot(options, values, element);
  }

  // Placement names under the bars: level while each fits under its bar, else slanted
  // (and, past LONGEST characters, shortened with an ellipsis) so they never overlap.
  const FONT = "12px system-ui, -apple-system, sans-serif";
  const LONGEST = 18;
  const ruler = document.createElement("canvas").getContext("2d");
  ruler.font = FONT;
  const textWidth = (text) => ruler.measureText(text).width;
  const Y_AXIS = 60;

  function clickThroughChart(element) {
    const names = data.placements.map((p) => p.placement);
    const xs = names.map((_, i) => i);
    const percent = data.placements.map((p) => (p.ctr == null ? null : p.ctr * 100));
    const top = Math.max(1, ...percent.filter((v) => v != null));
    const widest = Math.max(...names.map(textWidth));
    const crowded = (u) => widest + 12 > (u.width - Y_AXIS) / names.length;
    const label = (u, name) =>
      crowded(u) && name.length > LONGEST ? name.slice(0, LONGEST - 1) + "…" : name;
    const options = {
      width: widthOf(element),
      height: 260,
      scales: {
        x: { time: false, range: [-0.5, names.length - 0.5] },
        y: { range: [0, top * 1.1] },
      },
      axes: [
        { font: FONT, splits: () => xs, grid: { show: false },
          values: (u, splits) => splits.map((i) => label(u, names[i] ?? "")),
          rotate: (u) => (crowded(u) ? 45 : 0),
          size: (u, values) => {
            if (!crowded(u) || !values) return 40;
            return Math.ceil(Math.max(...values.map(textWidth)) * Math.SQRT1_2 + 24);
          } },
        { label: "click-through %", size: Y_AXIS },
      ],
      legend: { show: false },
      // The angle of the names, for whoever checks the layout (the browser tests).
      hooks: { draw: [(u) => { element.dataset.labelAngle = crowded(u) ? "45" : "0"; }] },
      series: [
        { label: "placement" },
        { label: "click-through %", stroke: palette[0], fill: palette[0] + "b3",
          paths: uPlot.paths.bars({ size: [0.6, 80] }), points: { show: false } },
      ],
    };
    return new uPlot(options, [xs, percent], element);
  }

  const events = document.getElementById("events-chart");
  if (events && data.days.length) drawn.push([eventsChart(events), events]);
  const clicks = document.getElementById("ctr-chart");
  if (clicks && data.placements.length) drawn.push([clickThroughChart(clicks), clicks]);

  let pending = null;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      for (const [chart, element] of drawn) {
        chart.setSize({ width: widthOf(element), height: chart.height });
      }
    }, 100);
  });
})();
