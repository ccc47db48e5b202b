// The pain chart of /progress, drawn in the page: one point per day with a rating; tap a point.
import { t } from "./texts.js";

const NS = "http://www.w3.org/2000/svg";
const W = 320;
const H = 150;
const PAD = { left: 26, right: 8, top: 8, bottom: 20 };

function element(name, attributes, text) {
  const node = document.createElementNS(NS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function dayLabel(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(document.documentElement.lang,
    { day: "numeric", month: "short", timeZone: "UTC" });
}

export function drawChart(progress, details) {
  const svg = element("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "group", "aria-label": t("chart_title") });
  const { days, points } = progress;
  const end = points.length ? Date.parse(points[points.length - 1].date) : Date.now();
  const start = end - (days - 1) * 86400000;
  const x = (iso) => PAD.left + ((Date.parse(iso) - start) / Math.max(1, end - start)) * (W - PAD.left - PAD.right);
  const y = (rating) => PAD.top + (1 - rating / 10) * (H - PAD.top - PAD.bottom);
  for (const level of [0, 5, 10]) {
    svg.append(element("line", { x1: PAD.left, x2: W - PAD.right, y1: y(level), y2: y(level), class: "grid" }));
    svg.append(element("text", { x: PAD.left - 6, y: y(level) + 4, class: "axis", "text-anchor": "end" }, String(level)));
  }
  if (!points.length) {
    details.textContent = t("chart_empty");
    return svg;
  }
  svg.append(element("text", { x: PAD.left, y: H - 4, class: "axis" }, dayLabel(new Date(start).toISOString().slice(0, 10))));
  svg.append(element("text", { x: W - PAD.right, y: H - 4, class: "axis", "text-anchor": "end" }, dayLabel(points[points.length - 1].date)));
  svg.append(element("polyline", { points: points.map((p) => `${x(p.date)},${y(p.rating)}`).join(" "), class: "line" }));
  const say = (point) => {
    let text = t("chart_point", { date: dayLabel(point.date), rating: point.rating });
    if (point.reports) text += ` · ${t("chart_reports", { count: point.reports })}`;
    details.textContent = text;
  };
  for (const point of points) {
    const dot = element("circle", { cx: x(point.date), cy: y(point.rating), r: days > 30 ? 3.5 : 5,
      class: point.reports ? "dot reported" : "dot", tabindex: "0", role: "button",
      "aria-label": t("chart_point", { date: dayLabel(point.date), rating: point.rating }) });
    const choose = () => {
      svg.querySelectorAll(".dot.chosen").forEach((d) => d.classList.remove("chosen"));
      dot.classList.add("chosen");
      say(point);
    };
    dot.addEventListener("click", choose);
    dot.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") choose(); });
    svg.append(dot);
  }
  details.textContent = t("chart_hint");
  return svg;
}
