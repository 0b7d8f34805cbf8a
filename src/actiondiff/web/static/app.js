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
const MIN_RATE = 0.0625;  // the slowest playback rate Chromium plays
const clamp = (t, end) => Math.min(Math.max(t, 0), end);
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
    for (const side of ["a", "b"]) {
      const point = $(`#performer-${side}`).value;
      if (point) data.append(`performer_${side}`, point);
    }
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
    if (!$("#n-open").value.trim()) {
      // the server's refusal word for word (web/forms.py NO_N)
      $("#form-error").textContent = "Open mode: type how many differences to find, a whole number from 1 to 50.";
      return;
    }
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

// ---------- picking the performer on an upload's first frame ----------
/** Show the first frame of the file chosen for one side, where a click picks the person to measure. */
function showFirstFrame(side) {
  const box = $(`#first-frame-${side}`), video = $("video", box), file = $(`#video-${side}-file`).files[0];
  if (video.src) URL.revokeObjectURL(video.src);
  $(`#performer-${side}`).value = "";
  $(".picked", box).textContent = "";
  box.hidden = !file;
  if (!file) { video.removeAttribute("src"); return; }
  video.src = URL.createObjectURL(file);
  video.addEventListener("loadeddata", () => { video.currentTime = 0; drawPick(side); }, { once: true });
  video.addEventListener("error", () => { box.hidden = true; }, { once: true });
}

/** A click on a first frame: that point, as fractions of the picture ("x,y"), names the performer. */
function pickPerformer(side, event) {
  const box = $(`#first-frame-${side}`), video = $("video", box);
  const point = pointInPicture(video, event, false);
  if (!point) return;
  $(`#performer-${side}`).value = point.map((v) => v.toFixed(3)).join(",");
  $(".picked", box).textContent = `The person at the marker is measured (x ${point[0].toFixed(2)}, y ${point[1].toFixed(2)} of the frame); click elsewhere to change.`;
  drawPick(side);
}

function drawPick(side) {
  const box = $(`#first-frame-${side}`), video = $("video", box), canvas = $("canvas", box);
  const context = fitCanvas(canvas);
  const value = $(`#performer-${side}`).value;
  if (!value || !video.videoWidth) return;
  const [x, y] = value.split(",").map(Number);
  const { width, height, left, top } = pictureBox(canvas, video.videoWidth, video.videoHeight);
  const ratio = window.devicePixelRatio || 1;
  context.lineWidth = 3 * ratio;
  context.strokeStyle = side === "a" ? "#2563eb" : "#e8590c";
  context.fillStyle = "rgba(255, 255, 255, 0.85)";
  context.beginPath();
  context.arc(left + x * width, top + y * height, 9 * ratio, 0, 2 * Math.PI);
  context.fill();
  context.stroke();
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
    link.innerHTML = '<span class="thumbs"><img alt="" loading="lazy"><img alt="" loading="lazy"></span>'
      + '<span class="job-text"><strong class="job-action"></strong><span class="job-names"></span><span class="when"></span></span>'
      + `<span class="status status-${job.status}">${job.status}</span>`;
    $$(".thumbs img", link).forEach((img, i) => {
      const side = "ab"[i];
      img.src = `/api/jobs/${job.id}/thumbs/${side}.jpg`;
      img.alt = `Video ${side.toUpperCase()}: ${job.request[`name_${side}`]}`;
      img.addEventListener("error", () => img.classList.add("missing"));
    });
    $(".job-action", link).textContent = job.request.action;
    link.title = `${job.request.action}: ${job.request.name_a} vs ${job.request.name_b}`;
    $(".job-names", link).textContent = `${job.request.name_a} vs ${job.request.name_b}`;
    const tally = job.status === "done" ? (job.tally || `${job.n_differences} statements`) : job.status === "failed" ? "failed" : "";
    $(".when", link).textContent = tally ? `${when} · ${tally}` : when;
    item.append(link);
    list.append(item);
  }
}

// ---------- models loading at start ----------
async function watchModels() {
  const banner = $("#models-status");
  for (;;) {
    let status;
    try { status = await getJSON("/api/status"); } catch { status = { models: "loading", detail: "" }; }
    banner.dataset.state = status.models;
    if (status.models === "loading") {
      banner.hidden = false;
      banner.textContent = "Loading the pose and language models (once per server start); a comparison started now begins when they are ready…";
    } else if (status.models === "failed") {
      banner.hidden = false;
      banner.textContent = `The models could not be loaded at start; the first comparison will try again (${status.detail}).`;
      return;
    } else {
      banner.hidden = true;
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
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
  $("#repetitions").innerHTML = view.sections.repetitions;
  $("#result-title").textContent = `${job.request.action}: ${job.request.name_a} vs ${job.request.name_b}`;
  $("#download-json").href = `/api/jobs/${jobId}/result.json?download=1`;
  $("#download-report").href = `/api/jobs/${jobId}/report.html?download=1`;
  $("#download-angles").href = `/api/jobs/${jobId}/angles.csv`;
  $("#download-measurements").href = `/api/jobs/${jobId}/measurements.csv`;
  measuring.load(view.sync.annotations || []);
  $("#download-repetitions").href = `/api/jobs/${jobId}/repetitions.csv`;
  showExport(await getJSON(`/api/jobs/${jobId}/export`));
  player.load(jobId, view.sync);
  $("#setup").open = false;
  $("#result").hidden = false;
  $("#result").scrollIntoView({ behavior: "smooth" });
}

// ---------- the side-by-side export ----------
function showExport(status) {
  const running = status.state === "running";
  $("#export-video").hidden = status.state === "done";
  $("#export-video").disabled = running;
  $("#export-progress").hidden = !running && status.state !== "failed";
  $("#export-bar").hidden = !running;
  $("#export-bar").value = status.progress;
  $("#export-text").textContent = running ? `Making the video… ${Math.round(status.progress * 100)}%`
    : status.state === "failed" ? `The export failed: ${status.error}` : "";
  $("#download-export").hidden = status.state !== "done";
  if (status.url) $("#download-export").href = status.url;
}

async function exportVideo() {
  const jobId = state.jobId;
  let status = await getJSON(`/api/jobs/${jobId}/export`, { method: "POST" });
  while (status.state === "running" && jobId === state.jobId) {
    showExport(status);
    await new Promise((resolve) => setTimeout(resolve, 400));
    status = await getJSON(`/api/jobs/${jobId}/export`);
  }
  if (jobId === state.jobId) showExport(status);
}

// ---------- the synchronised player ----------
const player = {
  a: $("#video-a"),
  b: $("#video-b"),
  sync: null,
  rate: 1,
  aligned: true,
  offset: 0,  // B's hand-set shift against the alignment (s, + shows B later), saved with the result

  load(jobId, sync) {
    this.sync = sync;
    this.offset = sync.offset || 0;
    showOffset("");
    for (const side of ["a", "b"]) $(`#clock-${side}`).classList.remove("error");
    this.a.src = `/api/jobs/${jobId}/videos/a`;
    this.b.src = `/api/jobs/${jobId}/videos/b`;
    $("#scrub").max = sync.duration.a;
  },
  /** B's time aligned with A's time t (the alignment's map, then the offset), within B. */
  aToB(t) { return clamp(interp(t, this.sync.map.a, this.sync.map.b) + this.offset, this.sync.duration.b); },
  bToA(t) { return interp(t - this.offset, this.sync.map.b, this.sync.map.a); },
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
    const a = clamp(this.a.currentTime + direction / this.sync.fps.a, this.sync.duration.a);
    this.a.currentTime = a;
    this.b.currentTime = this.aligned ? this.aToB(a)
      : clamp(this.b.currentTime + direction / this.sync.fps.b, this.sync.duration.b);
  },
  /** Step one video alone. With "Aligned" on, the two frames now shown become the aligned pair: the
   *  difference is kept as B's sync offset. */
  stepSide(side, direction) {
    this.pause();
    const video = this[side];
    const time = clamp(video.currentTime + direction / this.sync.fps[side], this.sync.duration[side]);
    if (Math.abs(time - video.currentTime) < 1e-6) return;  // at the clip's end: nothing moves, the offset stays
    video.currentTime = time;
    if (this.aligned) setOffset(this.b.currentTime - interp(this.a.currentTime, this.sync.map.a, this.sync.map.b));
  },
  /** Index of the frame a video shows at its time t (the last one at its very end). */
  frameAt(side, t) {
    const fps = this.sync.fps[side];
    return Math.max(0, Math.min(Math.floor(t * fps + 1e-3), Math.round(this.sync.duration[side] * fps) - 1));
  },
  /** Shift B against the alignment by whole frames of B. */
  nudge(frames) {
    this.pause();
    setOffset(this.offset + frames / this.sync.fps.b);
    this.b.currentTime = this.aToB(this.a.currentTime);
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
        else this.b.playbackRate = Math.min(4, Math.max(MIN_RATE, this.rate * this.slope(a) - 1.5 * drift));
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
      drawGhost($("#overlay-a"));
      drawSkeleton("b", this.b, $("#overlay-b"));
      for (const side of ["a", "b"]) measuring.draw(side);
      moveCursors(a, this.b.currentTime);
    }
    requestAnimationFrame(() => this.tick());
  },
};

// ---------- sync offset, saved with the result ----------
let offsetSave = null;
function showOffset(state) {
  const t = player.offset;
  $("#offset").textContent = `${t >= 0 ? "+" : "−"}${Math.abs(t).toFixed(2)} s`;
  $("#offset-state").textContent = state;
}

function setOffset(seconds) {
  player.offset = Math.round(seconds * 1000) / 1000;
  showOffset("saving…");
  clearTimeout(offsetSave);
  const jobId = state.jobId, offset = player.offset;
  offsetSave = setTimeout(async () => {
    try {
      await getJSON(`/api/jobs/${jobId}/sync`, {
        method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ offset_s: offset }),
      });
      if (jobId === state.jobId && offset === player.offset) {
        showOffset("saved");
        showExport(await getJSON(`/api/jobs/${jobId}/export`));
      }
    } catch (error) { showOffset(`not saved: ${error.message}`); }
  }, 300);
}

// ---------- skeletons and the overlay of B on A ----------
/** The row of a side's pose track nearest to time t, or -1 when no sample is close. */
function poseRow(side, time) {
  const pose = player.sync?.pose[side];
  if (!pose || !pose.times.length) return -1;
  const t = player.frameAt(side, time) / player.sync.fps[side];  // the frame on screen, also at the very end
  let row = 0;
  while (row + 1 < pose.times.length && Math.abs(pose.times[row + 1] - t) <= Math.abs(pose.times[row] - t)) row += 1;
  const gap = pose.times.length > 1 ? pose.times[1] - pose.times[0] : 0.1;
  return Math.abs(pose.times[row] - t) > gap + 1e-3 ? -1 : row;
}

/** Where the picture sits inside a canvas laid over a video (object-fit: contain). */
function pictureBox(canvas, width, height) {
  const scale = Math.min(canvas.width / width, canvas.height / height);
  return { width: width * scale, height: height * scale, left: (canvas.width - width * scale) / 2, top: (canvas.height - height * scale) / 2 };
}

/** Hip centre and torso length (hips to shoulders) of a skeleton in pixels, or null when not seen. */
function torso(points, seen, width, height) {
  const at = (i) => (points[i] && points[i][0] != null && seen[i] >= 0.3 ? [points[i][0] * width, points[i][1] * height] : null);
  const [ls, rs, lh, rh] = [11, 12, 23, 24].map(at);
  if (!ls || !rs || !lh || !rh) return null;
  const hip = [(lh[0] + rh[0]) / 2, (lh[1] + rh[1]) / 2];
  const length = Math.hypot((ls[0] + rs[0]) / 2 - hip[0], (ls[1] + rs[1]) / 2 - hip[1]);
  return length > 1 ? { hip, length } : null;
}

function strokeSkeleton(context, points, seen, place, colour) {
  context.strokeStyle = colour;
  for (const [i, j] of player.sync.edges) {
    if (!points[i] || !points[j] || points[i][0] == null || points[j][0] == null || Math.min(seen[i], seen[j]) < 0.3) continue;
    context.beginPath();
    context.moveTo(...place(points[i]));
    context.lineTo(...place(points[j]));
    context.stroke();
  }
}

/** B over A on A's canvas: B's picture (video mode) or both skeletons, B's scaled to A's torso length
 *  and placed at A's hips (skeleton mode), so it works when the two were filmed from different places. */
function drawGhost(canvas) {
  const mode = $("#ghost").value;
  if (mode === "off" || !player.a.videoWidth || !player.b.videoWidth) return;
  const context = canvas.getContext("2d");
  const box = pictureBox(canvas, player.a.videoWidth, player.a.videoHeight);
  const flip = $("#mirror-a").checked !== $("#mirror-b").checked;  // A's canvas is already mirrored with A
  const opacity = Number($("#ghost-opacity").value);
  context.save();
  if (mode === "video") {
    const fit = pictureBox({ width: box.width, height: box.height }, player.b.videoWidth, player.b.videoHeight);
    context.globalAlpha = opacity;
    context.translate(box.left + fit.left + (flip ? fit.width : 0), box.top + fit.top);
    context.scale(flip ? -1 : 1, 1);
    context.drawImage(player.b, 0, 0, fit.width, fit.height);
    context.restore();
    return;
  }
  context.fillStyle = "rgba(15, 23, 42, 0.7)";
  context.fillRect(box.left, box.top, box.width, box.height);
  const ratio = window.devicePixelRatio || 1;
  context.lineWidth = Math.max(3, 4 * ratio);
  context.lineCap = "round";
  const rowA = poseRow("a", player.a.currentTime), rowB = poseRow("b", player.b.currentTime);
  if (rowA < 0) { context.restore(); return; }
  const poseA = player.sync.pose.a, poseB = player.sync.pose.b;
  const placeA = (p) => [box.left + p[0] * box.width, box.top + p[1] * box.height];
  strokeSkeleton(context, poseA.points[rowA], poseA.visibility[rowA], placeA, "#60a5fa");
  const frameA = torso(poseA.points[rowA], poseA.visibility[rowA], box.width, box.height);
  if (rowB < 0 || !frameA) { context.restore(); return; }
  const [wB, hB] = [player.b.videoWidth, player.b.videoHeight];
  const frameB = torso(poseB.points[rowB], poseB.visibility[rowB], wB, hB);
  if (!frameB) { context.restore(); return; }
  const scale = frameA.length / frameB.length;
  const placeB = (p) => {
    const dx = (p[0] * wB - frameB.hip[0]) * (flip ? -1 : 1), dy = p[1] * hB - frameB.hip[1];
    return [box.left + frameA.hip[0] + dx * scale, box.top + frameA.hip[1] + dy * scale];
  };
  context.globalAlpha = opacity;
  strokeSkeleton(context, poseB.points[rowB], poseB.visibility[rowB], placeB, "#fb923c");
  context.restore();
}

/** The canvas's 2D context, its pixels matched to its size on screen (unzoomed), cleared. */
function fitCanvas(canvas) {
  const context = canvas.getContext("2d");
  const ratio = window.devicePixelRatio || 1;
  const [width, height] = [Math.round(canvas.offsetWidth * ratio), Math.round(canvas.offsetHeight * ratio)];
  if (canvas.width !== width || canvas.height !== height) [canvas.width, canvas.height] = [width, height];
  context.clearRect(0, 0, canvas.width, canvas.height);
  return context;
}

/** Where a click falls in a video's picture, as fractions [x, y] of the frame (null outside it). */
function pointInPicture(video, event, mirrored) {
  const rect = video.getBoundingClientRect();  // after zoom: the picture as shown
  const box = pictureBox(rect, video.videoWidth, video.videoHeight);
  let x = (event.clientX - rect.left - box.left) / box.width;
  const y = (event.clientY - rect.top - box.top) / box.height;
  if (!(x >= 0 && x <= 1 && y >= 0 && y <= 1)) return null;
  if (mirrored) x = 1 - x;
  return [x, y];
}

function drawSkeleton(side, video, canvas) {
  const context = fitCanvas(canvas);
  const ratio = window.devicePixelRatio || 1;
  const pose = player.sync?.pose[side];
  const row = video.videoWidth ? poseRow(side, video.currentTime) : -1;
  if (!$("#skeleton").checked || row < 0) return;
  const { width, height, left, top } = pictureBox(canvas, video.videoWidth, video.videoHeight);
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
  strokeHands(context, pose.hands?.[row], (p) => [left + p[0] * width, top + p[1] * height]);
}

/** Both hands' 21-point skeletons of one row (left hand orange like the body's left, right blue). */
function strokeHands(context, hands, place) {
  if (!hands) return;
  hands.forEach((points, side) => {
    context.strokeStyle = side === 0 ? "#fb923c" : "#38bdf8";
    for (const [i, j] of player.sync.hand_edges) {
      if (!points[i] || !points[j] || points[i][0] == null || points[j][0] == null) continue;
      context.beginPath();
      context.moveTo(...place(points[i]));
      context.lineTo(...place(points[j]));
      context.stroke();
    }
  });
}

// ---------- the angle tool: three clicks on a paused frame, kept with the result ----------
const measuring = {
  on: false,
  list: [],      // the result's AngleMeasurement objects, as the server stored them
  pending: null, // { side, frame, points } while clicking

  load(annotations) {
    this.list = annotations;
    this.pending = null;
    this.toggle(false);
    this.show("");
  },
  toggle(on) {
    this.on = on;
    this.pending = null;
    $("#angle-tool").setAttribute("aria-pressed", String(on));
    $(".players").classList.toggle("measuring", on);
    if (on) player.pause();
    $("#angle-hint").textContent = on ? "Click a point on one arm of the angle, then its corner, then a point on the other arm (on A or on B)." : "";
    this.show(null);
  },
  /** A click on a stage while the tool is on: the next point of the angle on that side's frame. */
  click(side, event) {
    const video = player[side];
    if (!video.videoWidth) return;
    player.pause();
    const point = pointInPicture(video, event, $(`#mirror-${side}`).checked);
    if (!point) return;
    const frame = player.frameAt(side, video.currentTime);
    if (!this.pending || this.pending.side !== side || this.pending.frame !== frame) this.pending = { side, frame, points: [] };
    this.pending.points.push(point.map((v) => Math.round(v * 10000) / 10000));
    const left = 3 - this.pending.points.length;
    $("#angle-hint").textContent = left === 2 ? "Now click the corner of the angle." : left === 1 ? "Now click a point on the other arm." : "";
    if (left === 0) {
      const { side: s, frame: f, points } = this.pending;
      this.pending = null;
      this.save([...this.list, { side: s, frame: f, points, label: "" }]);
      $("#angle-hint").textContent = "Measured. Click three more points for another angle, or press the button again to stop.";
    }
  },
  remove(index) { this.save(this.list.filter((_, i) => i !== index)); },
  async save(marks) {
    const jobId = state.jobId;
    this.show("saving…");
    try {
      const saved = await getJSON(`/api/jobs/${jobId}/annotations`, {
        method: "PUT", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(marks.map(({ side, frame, points, label }) => ({ side, frame, points, label }))),
      });
      if (jobId === state.jobId) { this.list = saved; this.show("saved"); }
    } catch (error) { this.show(`not saved: ${error.message}`); }
  },
  /** The list of measured angles under the player (each with a jump to its frame and a delete). */
  show(status) {
    const items = this.list.map((m, index) => {
      const item = document.createElement("li");
      const go = Object.assign(document.createElement("button"), { type: "button", textContent: "Show" });
      go.addEventListener("click", () => player.jump(m.side === "a" ? m.frame : null, m.side === "b" ? m.frame : null));
      const remove = Object.assign(document.createElement("button"), { type: "button", textContent: "Delete" });
      remove.setAttribute("aria-label", `Delete the angle of ${m.degrees.toFixed(1)}° on ${m.side.toUpperCase()}`);
      remove.addEventListener("click", () => this.remove(index));
      item.append(`${m.side.toUpperCase()} · frame ${m.frame} (${m.time_s.toFixed(2)} s): `, Object.assign(document.createElement("strong"), { className: "degrees", textContent: `${m.degrees.toFixed(1)}°` }), go, remove);
      return item;
    });
    $("#measurements").replaceChildren(...items);
    if (status !== null) $("#measurements-state").textContent = status;
    $("#download-measurements").hidden = !this.list.length;
    $("#measuring").hidden = !this.on && !this.list.length;
  },
  /** The angles measured on the frame a side shows, and the points clicked so far. */
  draw(side) {
    const video = player[side];
    if (!video.videoWidth) return;
    const frame = player.frameAt(side, video.currentTime);
    const shown = this.list.filter((m) => m.side === side && m.frame === frame);
    const pending = this.pending?.side === side && this.pending.frame === frame ? [this.pending] : [];
    if (!shown.length && !pending.length) return;
    const canvas = $(`#overlay-${side}`), context = canvas.getContext("2d");
    const { width, height, left, top } = pictureBox(canvas, video.videoWidth, video.videoHeight);
    const ratio = window.devicePixelRatio || 1;
    const place = ([x, y]) => [left + x * width, top + y * height];
    context.save();
    context.lineWidth = 2.5 * ratio;
    context.strokeStyle = context.fillStyle = "#facc15";
    context.font = `700 ${14 * ratio}px system-ui, sans-serif`;
    for (const m of [...shown, ...pending]) {
      const points = m.points.map(place);
      context.beginPath();
      points.forEach(([x, y], i) => (i ? context.lineTo(x, y) : context.moveTo(x, y)));
      context.stroke();
      for (const [x, y] of points) { context.beginPath(); context.arc(x, y, 4 * ratio, 0, 2 * Math.PI); context.fill(); }
      if (m.degrees != null) {
        const [x, y] = points[1];
        const mirrored = $(`#mirror-${side}`).checked;  // the canvas is flipped with the video: flip the text back
        context.save();
        context.translate(x + (mirrored ? -10 : 10) * ratio, y - 10 * ratio);
        if (mirrored) context.scale(-1, 1);
        const text = `${m.degrees.toFixed(1)}°`, pad = 4 * ratio;
        context.fillStyle = "rgba(15, 23, 42, 0.8)";
        context.fillRect(-pad, -16 * ratio, context.measureText(text).width + 2 * pad, 21 * ratio);
        context.fillStyle = "#facc15";
        context.fillText(text, 0, 0);
        context.restore();
      }
    }
    context.restore();
  },
};

// ---------- zoom into the pictures ----------
/** Enlarge both pictures `level` times, each around its chosen point (fractions of the stage). */
function magnify(level) {
  for (const picture of $$(".stage .picture")) picture.style.transform = level > 1 ? `scale(${level})` : "";
  $("#magnify").value = String(level);
}

/** A double-click on a picture: enlarge around that point (2× when not enlarged yet). */
function magnifyAt(stage, event) {
  const rect = stage.getBoundingClientRect(), picture = $(".picture", stage);
  const unscaled = picture.getBoundingClientRect(), level = Number($("#magnify").value);
  // the point under the pointer, in the picture's own (unscaled) box
  const x = (event.clientX - unscaled.left) / unscaled.width, y = (event.clientY - unscaled.top) / unscaled.height;
  picture.style.setProperty("--zoom-x", `${(x * 100).toFixed(1)}%`);
  picture.style.setProperty("--zoom-y", `${(y * 100).toFixed(1)}%`);
  if (level === 1 && rect.width) magnify(2);
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

/** A click on a keyframe: show it large, over the page (a click or Escape closes it). */
function zoom(picture) {
  const dialog = $("#zoom");
  $("img", dialog).src = picture.src;
  $("img", dialog).alt = picture.alt;
  $("figcaption", dialog).textContent = picture.alt;
  dialog.showModal();
}

/** A click on a sub-action span: both videos to the start of that sub-action (in the same repetition
 * when the other video has as many, else its first). */
function jumpToSpan(span) {
  const side = span.dataset.side, other = side === "a" ? "b" : "a";
  const named = $$(`#timeline-${other} .span`).filter((s) => s.dataset.name === span.dataset.name);
  const twin = named.find((s) => s.dataset.occurrence === span.dataset.occurrence) || named[0];
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
  $("#export-video").addEventListener("click", () => exportVideo().catch((e) => showExport({ state: "failed", progress: 0, error: e.message })));
  $("#play").addEventListener("click", () => player.toggle());
  $("#step-back").addEventListener("click", () => player.step(-1));
  $("#step-forward").addEventListener("click", () => player.step(1));
  for (const button of $$(".side-step")) {
    button.addEventListener("click", () => player.stepSide(button.dataset.side, Number(button.dataset.direction)));
  }
  $("#angle-tool").addEventListener("click", () => measuring.toggle(!measuring.on));
  $("#magnify").addEventListener("change", (e) => magnify(Number(e.target.value)));
  for (const stage of $$(".players .stage")) {
    stage.addEventListener("click", (e) => { if (measuring.on) measuring.click(stage.dataset.side, e); });
    stage.addEventListener("dblclick", (e) => { if (!measuring.on) magnifyAt(stage, e); });
  }
  for (const side of ["a", "b"]) {
    $(`#video-${side}-file`).addEventListener("change", () => showFirstFrame(side));
    $(`#first-frame-${side} .pick`).addEventListener("click", (e) => pickPerformer(side, e));
  }
  $("#nudge-back").addEventListener("click", () => player.nudge(-1));
  $("#nudge-forward").addEventListener("click", () => player.nudge(1));
  for (const side of ["a", "b"]) {
    $(`#mirror-${side}`).addEventListener("change", (e) => $(`.player[data-side="${side}"] .stage`).classList.toggle("mirrored", e.target.checked));
  }
  $("#scrub").addEventListener("input", (e) => { player.pause(); player.seek(Number(e.target.value)); });
  $("#speed").addEventListener("change", (e) => { player.rate = Number(e.target.value); for (const v of [player.a, player.b]) v.playbackRate = player.rate; });
  $("#sync").addEventListener("change", (e) => {
    player.aligned = e.target.checked;
    if (player.aligned) player.b.currentTime = player.aToB(player.a.currentTime);
    else player.b.playbackRate = player.rate;
  });
  $("#result").addEventListener("click", (e) => {
    const picture = e.target.closest(".keyframes img");
    if (picture) return zoom(picture);
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
    // Typing goes to the field; keys on a button (e.g. Play, just clicked) still step the videos,
    // except space and Enter, which press the button itself.
    if (!player.sync || e.ctrlKey || e.metaKey || e.altKey || $("#zoom").open) return;
    if (e.target.closest("textarea, select, input:not([type=range]):not([type=checkbox]):not([type=radio])")) return;
    const onButton = e.target.closest("button, [role=button], a, summary");
    if (e.key === " " && !onButton) { e.preventDefault(); player.toggle(); }
    else if (e.key === "," || e.key === "ArrowLeft") { e.preventDefault(); player.step(-1); }
    else if (e.key === "." || e.key === "ArrowRight") { e.preventDefault(); player.step(1); }
  });
  window.addEventListener("hashchange", route);
  syncFormVisibility();
  loadChoices().then(showLibraryDifferences).catch((e) => { $("#form-error").textContent = e.message; });
  loadJobs().catch(() => {});
  watchModels();
  $("#zoom").addEventListener("click", () => $("#zoom").close());
  for (const side of ["a", "b"]) {
    player[side].addEventListener("loadedmetadata", () => {
      const video = player[side];
      $(`.player[data-side="${side}"]`).classList.toggle("portrait", video.videoHeight > video.videoWidth);
      video.style.setProperty("--height-per-width", String(video.videoHeight / video.videoWidth));
      $(".players").classList.toggle("portrait-pair", $$(".player.portrait").length === 2);
    });
  }
  route();
  player.tick();
});
