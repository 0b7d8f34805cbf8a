// actiondiff web app: start comparisons, follow their progress, and play the two videos in step.
const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

const form = $("#compare-form");
const state = { actions: [], view: null, jobId: null, events: null };

// ---------- small helpers ----------
async function getJSON(url, options) {
  const response = await fetch(url, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail ? String(body.detail) : `${response.status} ${response.statusText}`);
  return body;
}

/** Piecewise-linear interpolation of t over increasing knots xs -> ys, clamped at the ends. */
function interp(t, xs, ys) {
  if (!xs.length) return t;
  if (t <= xs[0]) return ys[0];
  if (t >= xs[xs.length - 1]) return ys[ys.length - 1];
  let lo = 0, hi = xs.length - 1;
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (xs[mid] <= t) lo = mid; else hi = mid; }
  const f = (t - xs[lo]) / (xs[hi] - xs[lo] || 1);
  return ys[lo] + f * (ys[hi] - ys[lo]);
}

const formatTime = (t) => `${t.toFixed(2)} s`;
const ICONS = {
  Play: '<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path d="M4 2.5v11l9-5.5z" fill="currentColor"/></svg>',
  Pause: '<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path d="M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z" fill="currentColor"/></svg>',
};

// ---------- the form ----------
function syncFormVisibility() {
  const sample = form.source.value === "sample";
  $("#upload-fields").hidden = sample;
  $("#sample-fields").hidden = !sample;
  $("#closed-fields").hidden = form.mode.value !== "closed";
  $("#open-fields").hidden = form.mode.value !== "open";
}

/** The library entry the comparison will use for this action name, as the server finds it (null if none). */
async function libraryEntry(name) {
  if (!name) return null;
  try { return await getJSON(`/api/actions/match?name=${encodeURIComponent(name)}`); } catch { return null; }
}

let lookups = 0;
async function showLibraryDifferences() {
  const name = $("#action").value.trim();
  const lookup = ++lookups;
  const entry = await libraryEntry(name);
  if (lookup !== lookups) return; // a later keystroke's answer is the one to show
  const box = $("#library-differences");
  box.replaceChildren();
  $("#action-hint").textContent = entry ? entry.description : name ? "Not in the built-in library: type the statements to check." : "";
  for (const text of entry ? entry.differences : []) {
    const label = document.createElement("label");
    const input = Object.assign(document.createElement("input"), { type: "checkbox", value: text, checked: true });
    label.append(input, " ", text);
    box.append(label);
  }
}

async function loadChoices() {
  const [actions, samples] = await Promise.all([getJSON("/api/actions"), getJSON("/api/samples")]);
  state.actions = actions;
  $("#actions").replaceChildren(...actions.map((a) => Object.assign(document.createElement("option"), { value: a.name })));
  $("#sample").replaceChildren(
    ...samples.map((s) => {
      const option = Object.assign(document.createElement("option"), { value: s.name, textContent: `${s.name} (${s.action})` });
      option.dataset.action = s.action;
      return option;
    }),
  );
  if (!samples.length) {
    form.querySelector('input[value="sample"]').disabled = true;
    $("#sample-hint").hidden = false;
  }
}

async function submitForm(event) {
  event.preventDefault();
  $("#form-error").textContent = "";
  const data = new FormData();
  if (form.source.value === "sample") {
    data.append("sample", $("#sample").value);
    if (!$("#action").value.trim()) $("#action").value = $("#sample").selectedOptions[0]?.dataset.action || "";
  } else {
    const [a, b] = [$("#video-a-file").files[0], $("#video-b-file").files[0]];
    if (!a || !b) { $("#form-error").textContent = "Choose two videos, A and B."; return; }
    data.append("video_a", a);
    data.append("video_b", b);
  }
  const action = $("#action").value.trim();
  if (!action) { $("#form-error").textContent = "Name the action, e.g. squat."; return; }
  data.append("action", action);
  data.append("mode", form.mode.value);
  if (form.mode.value === "closed") {
    const picked = $$("#library-differences input:checked").map((i) => i.value);
    const typed = $("#typed").value.split("\n").map((s) => s.trim()).filter(Boolean);
    const statements = [...picked, ...typed];
    if (!statements.length) {
      // the server's refusal word for word (actiondiff.pipeline.request, web/forms.py HOW)
      $("#form-error").textContent = "Nothing to decide: closed mode needs statements to check, open mode a number of differences to find; pick or type at least one statement, or choose open mode.";
      return;
    }
    data.append("differences", statements.join("\n"));
  } else {
    data.append("n_open", $("#n-open").value);
  }
  $("#run").disabled = true;
  try {
    const job = await getJSON("/api/jobs", { method: "POST", body: data });
    follow(job.id);
  } catch (error) {
    $("#form-error").textContent = error.message;
    $("#run").disabled = false;
  }
}

// ---------- progress and history ----------
function follow(jobId) {
  state.events?.close();
  $("#progress").hidden = false;
  $("#progress-text").textContent = "Waiting for the worker…";
  const events = new EventSource(`/api/jobs/${jobId}/events`);
  state.events = events;
  events.addEventListener("progress", (e) => {
    const job = JSON.parse(e.data);
    $("#progress-bar").value = job.progress;
    $("#progress-text").textContent = `${job.stage[0].toUpperCase()}${job.stage.slice(1)}… ${Math.round(job.progress * 100)}%`;
  });
  events.addEventListener("done", () => {
    events.close();
    $("#progress-bar").value = 1;
    $("#progress-text").textContent = "Done.";
    $("#run").disabled = false;
    loadJobs();
    location.hash = `job=${jobId}`;
  });
  events.addEventListener("failed", (e) => {
    events.close();
    $("#progress-text").textContent = "";
    $("#form-error").textContent = `The comparison failed: ${JSON.parse(e.data).error}`;
    $("#run").disabled = false;
    loadJobs();
  });
}

async function loadJobs() {
  const jobs = await getJSON("/api/jobs");
  const list = $("#jobs");
  list.replaceChildren();
  if (!jobs.length) { list.innerHTML = '<li class="empty">None yet.</li>'; return; }
  for (const job of jobs) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = `#job=${job.id}`;
    const when = new Date(job.created_at).toLocaleString();
    const count = job.status === "done" ? ` · ${job.n_differences} differences` : "";
    link.innerHTML = `<span><strong></strong><br><span class="when"></span></span><span class="status status-${job.status}">${job.status}</span>`;
    $("strong", link).textContent = job.request.action;
    $(".when", link).textContent = `${when} · ${job.request.name_a} vs ${job.request.name_b}${count}`;
    item.append(link);
    list.append(item);
  }
}

// ---------- the result ----------
async function openJob(jobId) {
  const job = await getJSON(`/api/jobs/${jobId}`);
  if (job.status !== "done") { follow(jobId); return; }
  const view = await getJSON(`/api/jobs/${jobId}/view`);
  state.view = view;
  state.jobId = jobId;
  $("#summary").innerHTML = view.sections.summary;
  $("#differences").innerHTML = view.sections.differences;
  $("#timeline-a").innerHTML = view.sections.timeline_a;
  $("#timeline-b").innerHTML = view.sections.timeline_b;
  $("#curves").innerHTML = view.sections.curves;
  $("#result-title").textContent = `${job.request.action}: ${job.request.name_a} vs ${job.request.name_b}`;
  $("#download-json").href = `/api/jobs/${jobId}/result.json?download=1`;
  $("#download-report").href = `/api/jobs/${jobId}/report.html?download=1`;
  player.load(jobId, view.sync);
  $("#setup").open = false;
  $("#result").hidden = false;
  $("#result").scrollIntoView({ behavior: "smooth" });
}

// ---------- the synchronised player ----------
const player = {
  a: $("#video-a"),
  b: $("#video-b"),
  sync: null,
  rate: 1,
  aligned: true,

  load(jobId, sync) {
    this.sync = sync;
    for (const side of ["a", "b"]) $(`#clock-${side}`).classList.remove("error");
    this.a.src = `/api/jobs/${jobId}/videos/a`;
    this.b.src = `/api/jobs/${jobId}/videos/b`;
    $("#scrub").max = sync.duration.a;
  },
  aToB(t) { return interp(t, this.sync.map.a, this.sync.map.b); },
  bToA(t) { return interp(t, this.sync.map.b, this.sync.map.a); },
  /** dtB/dtA of the alignment around A's time t. */
  slope(t) { const h = 0.1; return Math.max(0.1, (this.aToB(t + h) - this.aToB(t - h)) / (2 * h)); },

  playing() { return !this.a.paused || !this.b.paused; },
  toggle() { this.playing() ? this.pause() : this.play(); },
  play() {
    for (const v of [this.a, this.b]) { if (v.ended) v.currentTime = 0; v.playbackRate = this.rate; }
    if (this.aligned) this.b.currentTime = this.aToB(this.a.currentTime);
    this.a.play(); this.b.play();
  },
  pause() { this.a.pause(); this.b.pause(); },
  seek(timeA) {
    this.a.currentTime = timeA;
    this.b.currentTime = this.aToB(timeA);
  },
  step(direction) {
    this.pause();
    const a = Math.min(Math.max(this.a.currentTime + direction / this.sync.fps.a, 0), this.sync.duration.a);
    this.a.currentTime = a;
    this.b.currentTime = this.aligned ? this.aToB(a)
      : Math.min(Math.max(this.b.currentTime + direction / this.sync.fps.b, 0), this.sync.duration.b);
  },
  /** Show frame `frameA` of A and `frameB` of B (either may be null: then it follows the alignment). */
  jump(frameA, frameB) {
    this.pause();
    const epsilon = 0.001;  // land inside the frame, not on the boundary before it
    const timeA = frameA != null ? frameA / this.sync.fps.a + epsilon : this.bToA(frameB / this.sync.fps.b);
    const timeB = frameB != null ? frameB / this.sync.fps.b + epsilon : this.aToB(timeA);
    this.a.currentTime = timeA;
    this.b.currentTime = timeB;
  },

  /** Each animation frame: keep B on A's aligned time, draw skeletons and playheads. */
  tick() {
    if (this.sync) {
      const a = this.a.currentTime;
      if (this.aligned && !this.a.paused && !this.b.paused) {
        const drift = this.b.currentTime - this.aToB(a);
        if (Math.abs(drift) > 0.25) this.b.currentTime = this.aToB(a);
        else this.b.playbackRate = Math.min(4, Math.max(0.1, this.rate * this.slope(a) - 1.5 * drift));
      }
      $("#scrub").value = a;
      for (const [side, t] of [["a", a], ["b", this.b.currentTime]]) {
        if (!$(`#clock-${side}`).classList.contains("error")) $(`#clock-${side}`).textContent = formatTime(t);
      }
      const label = this.playing() ? "Pause" : "Play";
      if ($("#play").getAttribute("aria-label") !== label) {
        $("#play").setAttribute("aria-label", label);
        $("#play").innerHTML = ICONS[label];
      }
      drawSkeleton("a", this.a, $("#overlay-a"));
      drawSkeleton("b", this.b, $("#overlay-b"));
      moveCursors(a, this.b.currentTime);
    }
    requestAnimationFrame(() => this.tick());
  },
};

function drawSkeleton(side, video, canvas) {
  const context = canvas.getContext("2d");
  const box = canvas.getBoundingClientRect();
  const ratio = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(box.width * ratio) || canvas.height !== Math.round(box.height * ratio)) {
    canvas.width = Math.round(box.width * ratio);
    canvas.height = Math.round(box.height * ratio);
  }
  context.clearRect(0, 0, canvas.width, canvas.height);
  const pose = player.sync?.pose[side];
  if (!$("#skeleton").checked || !pose || !pose.times.length || !video.videoWidth) return;
  const t = video.currentTime;
  let row = 0;
  while (row + 1 < pose.times.length && Math.abs(pose.times[row + 1] - t) <= Math.abs(pose.times[row] - t)) row += 1;
  const gap = pose.times.length > 1 ? pose.times[1] - pose.times[0] : 0.1;
  if (Math.abs(pose.times[row] - t) > gap) return;
  // object-fit: contain -> where the picture sits inside the element
  const scale = Math.min(canvas.width / video.videoWidth, canvas.height / video.videoHeight);
  const width = video.videoWidth * scale, height = video.videoHeight * scale;
  const left = (canvas.width - width) / 2, top = (canvas.height - height) / 2;
  const points = pose.points[row], seen = pose.visibility[row];
  context.lineWidth = Math.max(2, 3 * ratio);
  context.lineCap = "round";
  for (const [i, j] of player.sync.edges) {
    if (!points[i] || !points[j] || points[i][0] == null || points[j][0] == null || Math.min(seen[i], seen[j]) < 0.3) continue;
    context.strokeStyle = i % 2 && j % 2 ? "#fb923c" : i % 2 === 0 && j % 2 === 0 && i > 10 ? "#38bdf8" : "#f8fafc";
    context.beginPath();
    context.moveTo(left + points[i][0] * width, top + points[i][1] * height);
    context.lineTo(left + points[j][0] * width, top + points[j][1] * height);
    context.stroke();
  }
}

function moveCursors(timeA, timeB) {
  for (const svg of $$("#curves svg.curve")) {
    const { t0, t1, x0, x1 } = Object.fromEntries(Object.entries(svg.dataset).map(([k, v]) => [k, Number(v)]));
    const x = x0 + ((timeA - t0) / (t1 - t0)) * (x1 - x0);
    const cursor = $(".cursor", svg);
    cursor.setAttribute("x1", x); cursor.setAttribute("x2", x);
    cursor.setAttribute("visibility", x >= x0 && x <= x1 ? "visible" : "hidden");
  }
  for (const [side, t] of [["a", timeA], ["b", timeB]]) {
    const cursor = $(`#timeline-${side} .cursor`);
    if (!cursor) continue;
    const x = (t / Number(cursor.dataset.duration)) * Number(cursor.dataset.width);
    cursor.setAttribute("x1", x); cursor.setAttribute("x2", x);
    cursor.setAttribute("visibility", "visible");
  }
}

/** A click on a sub-action span: both videos to the start of that sub-action. */
function jumpToSpan(span) {
  const side = span.dataset.side, other = side === "a" ? "b" : "a";
  const twin = $$(`#timeline-${other} .span`).find((s) => s.dataset.name === span.dataset.name);
  const frames = { [side]: Number(span.dataset.frame), [other]: twin ? Number(twin.dataset.frame) : null };
  player.jump(frames.a, frames.b);
}

function jumpToDifference(item) {
  $$(".difference.active").forEach((d) => d.classList.remove("active"));
  item.classList.add("active");
  const frame = (name) => (item.dataset[name] === "" ? null : Number(item.dataset[name]));
  if (frame("frameA") == null && frame("frameB") == null) return;
  player.jump(frame("frameA"), frame("frameB"));
  $(".players").scrollIntoView({ behavior: "smooth", block: "nearest" });
}

function seekFromCurve(svg, event) {
  const point = svg.createSVGPoint();
  point.x = event.clientX; point.y = event.clientY;
  const x = point.matrixTransform(svg.getScreenCTM().inverse()).x;
  const { t0, t1, x0, x1 } = Object.fromEntries(Object.entries(svg.dataset).map(([k, v]) => [k, Number(v)]));
  player.pause();
  player.seek(Math.min(Math.max(t0 + ((x - x0) / (x1 - x0)) * (t1 - t0), 0), player.sync.duration.a));
}

// ---------- wiring ----------
function route() {
  if (["#new", "#history"].includes(location.hash)) $("#setup").open = true;
  const match = location.hash.match(/^#job=([0-9a-f]{16})$/);
  if (match && match[1] !== state.jobId) openJob(match[1]).catch((e) => { $("#form-error").textContent = e.message; });
}

document.addEventListener("DOMContentLoaded", () => {
  form.addEventListener("change", (e) => { if (["source", "mode"].includes(e.target.name)) syncFormVisibility(); });
  $("#sample").addEventListener("change", () => { $("#action").value = $("#sample").selectedOptions[0]?.dataset.action || ""; showLibraryDifferences(); });
  form.source.forEach((r) => r.addEventListener("change", () => { if (form.source.value === "sample") { $("#action").value = $("#sample").selectedOptions[0]?.dataset.action || ""; showLibraryDifferences(); } }));
  $("#action").addEventListener("input", showLibraryDifferences);
  form.addEventListener("submit", submitForm);
  for (const side of ["a", "b"]) {
    player[side].addEventListener("error", () => {
      $(`#clock-${side}`).textContent = "this browser cannot play this video's format; the analysis below still holds";
      $(`#clock-${side}`).classList.add("error");
    });
  }
  $("#play").addEventListener("click", () => player.toggle());
  $("#step-back").addEventListener("click", () => player.step(-1));
  $("#step-forward").addEventListener("click", () => player.step(1));
  $("#scrub").addEventListener("input", (e) => { player.pause(); player.seek(Number(e.target.value)); });
  $("#speed").addEventListener("change", (e) => { player.rate = Number(e.target.value); for (const v of [player.a, player.b]) v.playbackRate = player.rate; });
  $("#sync").addEventListener("change", (e) => {
    player.aligned = e.target.checked;
    if (player.aligned) player.b.currentTime = player.aToB(player.a.currentTime);
    else player.b.playbackRate = player.rate;
  });
  $("#result").addEventListener("click", (e) => {
    const span = e.target.closest(".timeline .span");
    if (span) return jumpToSpan(span);
    const item = e.target.closest(".difference");
    if (item) return jumpToDifference(item);
    const curve = e.target.closest("svg.curve");
    if (curve) seekFromCurve(curve, e);
  });
  $("#result").addEventListener("keydown", (e) => {
    const span = e.target.closest?.(".timeline .span");
    if (span && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); jumpToSpan(span); }
  });
  document.addEventListener("keydown", (e) => {
    if (!player.sync || e.target.closest("input, textarea, select, button, [role=button]")) return;
    if (e.key === " ") { e.preventDefault(); player.toggle(); }
    else if (e.key === ",") player.step(-1);
    else if (e.key === ".") player.step(1);
  });
  window.addEventListener("hashchange", route);
  syncFormVisibility();
  loadChoices().then(showLibraryDifferences).catch((e) => { $("#form-error").textContent = e.message; });
  loadJobs().catch(() => {});
  route();
  player.tick();
});
