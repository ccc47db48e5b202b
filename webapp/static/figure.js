// An exercise's figure as SVG: joint positions of its key poses (from content/poses/, computed
// on the server), interpolated here. One cycle of the frames is one breath.
const NS = "http://www.w3.org/2000/svg";
const LIMBS = {
  near_arm: ["near_shoulder", "near_elbow", "near_wrist", "near_fingers"],
  far_arm: ["far_shoulder", "far_elbow", "far_wrist", "far_fingers"],
  near_leg: ["near_hip", "near_knee", "near_ankle", "near_toe"],
  far_leg: ["far_hip", "far_knee", "far_ankle", "far_toe"],
};
const ORDER = [["far_leg", "far", 0.1], ["far_arm", "far", 0.07], ["torso", "near", 0.2],
  ["neck", "near", 0.07], ["near_leg", "near", 0.1], ["near_arm", "near", 0.07]];

function element(name, attributes) {
  const node = document.createElementNS(NS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

export class Figure {
  constructor(data) {
    this.data = data;
    this.index = Object.fromEntries(data.joints.map((name, i) => [name, i]));
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const frame of [...data.frames, ...data.props]) {
      for (let i = 0; i < frame.length; i += 2) {
        x0 = Math.min(x0, frame[i]); x1 = Math.max(x1, frame[i]);
        y0 = Math.min(y0, -frame[i + 1]); y1 = Math.max(y1, -frame[i + 1]);
      }
    }
    const pad = data.head + 0.12;
    this.svg = element("svg", {
      viewBox: `${x0 - pad} ${y0 - pad} ${x1 - x0 + 2 * pad} ${y1 - y0 + 2 * pad}`,
      class: "figure", role: "img", "aria-hidden": "true",
    });
    if (data.floor) {
      this.svg.append(element("line", { x1: x0 - pad, x2: x1 + pad, y1: y1 + 0.05, y2: y1 + 0.05, class: "floor" }));
    }
    for (const prop of data.props) {
      const points = [];
      for (let i = 0; i < prop.length; i += 2) points.push(`${prop[i]},${-prop[i + 1]}`);
      this.svg.append(element("polyline", { points: points.join(" "), class: "prop", "stroke-width": 0.04 }));
    }
    this.paths = {};
    for (const [part, side, width] of ORDER) {
      const path = element("polyline", { class: `part ${side}`, "stroke-width": width });
      this.paths[part] = path;
      this.svg.append(path);
      if (part === "neck") {
        this.head = element("circle", { r: data.head, class: `head ${side}` });
        this.svg.append(this.head);
      }
    }
    this.show(data.still);
  }

  point(frame, name) {
    const i = this.index[name] * 2;
    return [frame[i], -frame[i + 1]];
  }

  // A position along the frames (fractional: interpolated between two frames).
  show(position) {
    const frames = this.data.frames;
    const last = frames.length - 1;
    const at = Math.max(0, Math.min(position, last));
    const a = frames[Math.floor(at)];
    const b = frames[Math.min(Math.floor(at) + 1, last)];
    const t = at - Math.floor(at);
    const frame = a.map((value, i) => value + (b[i] - value) * t);
    const line = (names) => names.map((name) => this.point(frame, name).join(",")).join(" ");
    for (const [part, names] of Object.entries(LIMBS)) this.paths[part].setAttribute("points", line(names));
    this.paths.torso.setAttribute("points", line(["pelvis", "waist", "chest"]));
    this.paths.neck.setAttribute("points", line(["chest", "neck"]));
    const [hx, hy] = this.point(frame, "head");
    this.head.setAttribute("cx", hx);
    this.head.setAttribute("cy", hy);
  }

  // Where in one breath we are (0-1) → the frames' cycle; anything else shows the still pose.
  breath(fraction) {
    const moving = this.data.frames.length > 1;
    this.show(moving ? fraction * (this.data.frames.length - 1) : this.data.still);
  }

  still() {
    this.show(this.data.still);
  }
}
