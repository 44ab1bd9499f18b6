"use strict";
// The boundary studio's page: every request carries the access token from the address.
const TOKEN = new URLSearchParams(location.search).get("token") || "";
const $ = (id) => document.getElementById(id);
let MAP = null, STATE = null, TARGET = 0, cellLayers = [], homeLayers = [], areaLabels = [];
let mapLayerHomes = null, mapLayerAreas = null, outlineLayer = null, polling = null;

async function api(path, options = {}) {
  const headers = Object.assign({"X-Roster-Token": TOKEN}, options.headers || {});
  const response = await fetch(path, Object.assign({}, options, {headers}));
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}
const post = (path, body) => api(path, {method: "POST", body: JSON.stringify(body || {}),
  headers: {"Content-Type": "application/json"}});
function withToken(path) { return path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(TOKEN); }
function showError(error) { $("error").textContent = error ? String(error.message || error) : ""; }
async function act(promise) {
  try { const state = await promise; showError(null); if (state && state.can_undo !== undefined) render(state); return state; }
  catch (error) { showError(error); return null; }
}
const esc = (text) => String(text).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
const minutes = (s) => (s / 60).toFixed(1);

function roadsOn(map, data) {
  map.createPane("roads");
  map.getPane("roads").style.zIndex = 250;
  L.polyline(data.roads, Object.assign({pane: "roads", renderer: L.canvas({pane: "roads"})},
    data.road_style)).addTo(map);
}

function cellStyle(plan, offenders, recipient) {
  const k = plan.labels[recipient];
  if (k < 0) return {color: "#c62828", weight: 1.5, opacity: 1, fillColor: "#ffffff", fillOpacity: 0.6, dashArray: "3"};
  const bad = offenders.has(plan.names[k]);
  return {color: "#ffffff", weight: 0.5, opacity: 0.8, dashArray: null, fillColor: plan.colours[k],
    fillOpacity: bad ? 0.5 : 0.3};
}

// The neighbourhoods' outlines: dark, or red and dashed for one that fails a check.
function drawOutlines(map, plan, previous) {
  if (previous) map.removeLayer(previous);
  const offenders = new Set(plan.figures.checks.flatMap((c) => c.offenders));
  return L.geoJSON(plan.outlines, {interactive: false, style: (f) => offenders.has(f.properties.neighbourhood) ?
    {color: "#c62828", weight: 3.5, dashArray: "8 5", fill: false} : {color: "#333", weight: 2, fill: false}}).addTo(map);
}

function drawCells(map, data, plan, interactive) {
  const layers = [];
  const offenders = new Set(plan.figures.checks.flatMap((c) => c.offenders));
  L.geoJSON(data.cells, {
    style: (f) => cellStyle(plan, offenders, f.properties.recipient),
    interactive,
    onEachFeature: (f, layer) => {
      layers[f.properties.recipient] = layer;
      if (interactive) layer.on("click", () => moveHome(f.properties.recipient));
    },
  }).addTo(map);
  if (!interactive) drawOutlines(map, plan, null);
  return layers;
}

async function start() {
  const data = await api("/api/map");
  window.MAPDATA = data;
  $("area-name").textContent = data.area;
  MAP = L.map("map", {zoomSnap: 0.25, preferCanvas: false});
  MAP.fitBounds(data.bounds, {animate: false});
  L.control.scale({imperial: true}).addTo(MAP);
  roadsOn(MAP, data);
  const state = await api("/api/state");
  cellLayers = drawCells(MAP, data, state.plan, true);
  mapLayerAreas = L.geoJSON(data.small_areas, {style: {color: "#444", weight: 1.2, fill: false,
    dashArray: "6 4"}, interactive: false}).addTo(MAP);
  areaLabels = data.small_areas.features.map((f) => {
    const centre = L.geoJSON(f).getBounds().getCenter();
    return L.marker(centre, {interactive: false, icon: L.divIcon({className: "",
      html: `<span class="map-count">${esc(f.properties.name)}: ${f.properties.recipients}</span>`})});
  });
  mapLayerHomes = L.layerGroup().addTo(MAP);
  data.recipients.forEach((point, i) => {
    const marker = L.circleMarker(point, {radius: 3.5, weight: 1, color: "#222", fillOpacity: 0.95});
    marker.on("click", () => moveHome(i));
    marker.bindTooltip(data.recipient_ids[i]);
    homeLayers[i] = marker;
    mapLayerHomes.addLayer(marker);
  });
  const carers = L.layerGroup(data.carers.map((p) => L.circleMarker(p, {radius: 2, weight: 1,
    color: "#555", fillColor: "#fff", fillOpacity: 1, interactive: false}))).addTo(MAP);
  L.control.layers(null, {"Carers' homes": carers, "Small areas (MSOA)": mapLayerAreas},
    {collapsed: false}).addTo(MAP);
  drawingOn(MAP);
  render(state);
  document.body.dataset.ready = "1";
  if (state.runs.some((r) => r.state === "running")) pollRuns();
}

function render(state) {
  STATE = state;
  const plan = state.plan, figures = plan.figures;
  $("plan-name").textContent = plan.name;
  $("plan-source").textContent = "(" + plan.source + ")";
  if (TARGET > plan.names.length) TARGET = plan.names.length;
  const offenders = new Set(figures.checks.flatMap((c) => c.offenders));
  cellLayers.forEach((layer, i) => layer && layer.setStyle(cellStyle(plan, offenders, i)));
  outlineLayer = drawOutlines(MAP, plan, outlineLayer);
  mapLayerHomes.eachLayer((m) => m.bringToFront());
  homeLayers.forEach((marker, i) => {
    const k = plan.labels[i];
    marker.setStyle({fillColor: k < 0 ? "#ffffff" : plan.colours[k], color: k < 0 ? "#c62828" : "#222"});
  });
  $("palette").innerHTML = plan.names.map((name, k) =>
    `<button data-k="${k}" class="${k === TARGET ? "on" : ""}"><i style="background:${plan.colours[k]}"></i>${esc(name)}</button>`
  ).join("") + `<button data-k="${plan.names.length}" class="${TARGET === plan.names.length ? "on" : ""}">+ new neighbourhood</button>`;
  $("palette").querySelectorAll("button").forEach((b) => b.onclick = () => {
    TARGET = Number(b.dataset.k); render(STATE); });
  const options = plan.names.map((n, k) => `<option value="${k}">${esc(n)}</option>`).join("");
  for (const id of ["merge-absorb", "merge-keep", "split-which"]) {
    const keep = $(id).value; $(id).innerHTML = options;
    if (keep && Number(keep) < plan.names.length) $(id).value = keep;
  }
  if (plan.names.length > 1 && $("merge-keep").value === $("merge-absorb").value) $("merge-keep").value = "1";
  $("undo").disabled = !state.can_undo; $("redo").disabled = !state.can_redo;
  $("checks").innerHTML = figures.checks.map((c) =>
    `<li data-passed="${c.passed}"><span class="${c.passed ? "pass" : "fail"}">${c.passed ? "✓ passed" : "✗ failed"}</span> ${esc(c.name)}: ${esc(c.detail)}</li>`).join("");
  $("plan-line").textContent = `${figures.recipients} recipients in ${plan.names.length} neighbourhoods` +
    (figures.unassigned ? `, ${figures.unassigned} in none` : "") +
    `; mean drive inside ${minutes(figures.mean_drive_s)} min, 95th percentile ${minutes(figures.p95_drive_s)} min,` +
    ` longest ${minutes(figures.diameter_s)} min (drive times in the table in minutes). Target about ${MAPDATA.target} recipients each` +
    ` (+/-${Math.round(MAPDATA.tolerance * 100)}% of the mean size).`;
  $("figures").innerHTML = "<tr><th></th><th title='recipients'>Recip.</th><th title='weekly care hours'>Hours</th><th>km²</th>" +
    "<th title='carers living inside'>Carers</th><th title='framework providers serving it now'>Prov.</th>" +
    "<th title='mean drive between two of its recipients'>Mean</th><th title='95th percentile drive'>p95</th>" +
    "<th title='longest drive inside'>Max</th><th title='one piece on the road network'>Whole</th></tr>" +
    figures.neighbourhoods.map((n, k) => `<tr class="${offenders.has(n.name) ? "bad" : ""}" data-name="${esc(n.name)}">` +
      `<td><span class="swatch" style="background:${plan.colours[k]}"></span>${esc(n.name)}</td><td>${n.recipients}</td>` +
      `<td>${n.care_hours_weekly.toFixed(1)}</td><td>${n.area_km2.toFixed(1)}</td><td>${n.carers}</td><td>${n.providers}</td>` +
      `<td>${minutes(n.mean_drive_s)}</td><td>${minutes(n.p95_drive_s)}</td><td>${minutes(n.diameter_s)}</td>` +
      `<td>${n.contiguous ? "yes" : "no"}</td></tr>`).join("");
  const saved = state.saved;
  const savedOptions = saved.map((s) => `<option value="${esc(s.slug)}">${esc(s.name)}</option>`).join("");
  for (const id of ["saved-select", "run-plan"]) {
    const keep = $(id).value; $(id).innerHTML = savedOptions; if (keep) $(id).value = keep;
  }
  $("saved-list").innerHTML = saved.length ? "Saved: " + saved.map((s) =>
    `${esc(s.name)} (<a href="${withToken(`/api/plans/${s.slug}/neighbourhoods.geojson`)}">GeoJSON</a>, ` +
    `<a href="${withToken(`/api/plans/${s.slug}/neighbourhoods.gpkg`)}">GeoPackage</a>)`).join("; ") : "No plan saved yet.";
  const chosen = new Set([...document.querySelectorAll("#compare-choices input:checked")].map((i) => i.value));
  $("compare-choices").innerHTML = [{slug: "current", name: "the plan being drawn"}, ...saved].map((s) =>
    `<label class="row"><input type="checkbox" value="${esc(s.slug)}" ${chosen.has(s.slug) ? "checked" : ""}> ${esc(s.name)}</label>`).join("");
  renderRuns(state.runs);
}

function renderRuns(runs) {
  $("runs").innerHTML = "<tr><th>Run</th><th>Plan</th><th>State</th><th>Progress</th><th>Travel saved</th><th></th></tr>" +
    runs.map((r) => `<tr data-run="${esc(r.run_id)}" data-state="${r.state}"><td>${esc(r.run_id)}</td><td>${esc(r.plan)}</td>` +
      `<td>${esc(r.state)}: ${esc(r.stage)}</td><td><progress max="1" value="${r.progress}"></progress></td>` +
      `<td>${r.saved === null ? "" : (100 * r.saved).toFixed(1) + "%"}</td><td>` +
      (r.state === "finished" ? `<button data-open="${esc(r.run_id)}">Open report</button>` :
        r.state === "running" ? `<button data-stop="${esc(r.run_id)}">Stop</button>` : "") + "</td></tr>").join("");
  $("runs").querySelectorAll("button[data-open]").forEach((b) => b.onclick = () => openReport(b.dataset.open));
  $("runs").querySelectorAll("button[data-stop]").forEach((b) => b.onclick = () =>
    act(post(`/api/runs/${b.dataset.stop}/stop`)).then(pollRuns));
}

function openReport(runId) {
  $("report-frame").src = withToken(`/runs/${runId}/report.html`);
  $("report-frame").classList.remove("hidden");
  $("report-note").textContent = "Report of " + runId;
  show("runs");
}

async function pollRuns() {
  clearTimeout(polling);
  try {
    const runs = await api("/api/runs");
    renderRuns(runs);
    if (runs.some((r) => r.state === "running")) polling = setTimeout(pollRuns, 1000);
  } catch (error) { showError(error); }
}

function moveHome(recipient) {
  if (DRAW) return;  // while drawing, a click on a home or cell adds a corner (the map's click)
  const scope = document.querySelector("input[name=scope]:checked").value;
  act(post("/api/move", {recipient, to: TARGET, scope}));
}

// Drawing a polygon: clicks add corners, a double-click or Finish closes it, Escape cancels.
// DRAW holds the corners and the lines showing them; null when not drawing.
const DRAW_STYLE = {color: "#111", weight: 2, dashArray: "4 4", interactive: false};
let DRAW = null, BRUSH = null, quietClicksUntil = 0;

function startDrawing() {
  if (DRAW) return;
  DRAW = {corners: [], line: L.polyline([], DRAW_STYLE).addTo(MAP),
    guide: L.polyline([], Object.assign({}, DRAW_STYLE, {opacity: 0.5})).addTo(MAP)};
  MAP.doubleClickZoom.disable();
  $("map").classList.add("drawing");
  drawButtons();
}

function addCorner(latlng) {
  if (!DRAW) return;
  const last = DRAW.corners[DRAW.corners.length - 1];
  // The second click of a double-click lands where the first did: one corner, not two.
  if (last && MAP.latLngToContainerPoint(last).distanceTo(MAP.latLngToContainerPoint(latlng)) < 4) return;
  DRAW.corners.push(latlng);
  DRAW.line.setLatLngs(DRAW.corners.length > 2 ? [...DRAW.corners, DRAW.corners[0]] : DRAW.corners);
  drawButtons();
}

function stopDrawing() {
  if (!DRAW) return;
  MAP.removeLayer(DRAW.line); MAP.removeLayer(DRAW.guide);
  DRAW = null;
  MAP.doubleClickZoom.enable();
  $("map").classList.remove("drawing");
  drawButtons();
}

function drawButtons() {
  $("draw-start").disabled = Boolean(DRAW);
  $("draw-cancel").disabled = !DRAW;
  $("draw-finish").disabled = !DRAW || DRAW.corners.length < 3;
  $("draw-hint").textContent = DRAW ? `${DRAW.corners.length} corner${DRAW.corners.length === 1 ? "" : "s"}` +
    (DRAW.corners.length < 3 ? " (3 at least)" : "") : "";
}

// Send the polygon (corners as [lat, lon]) and move every home inside it to the chosen one.
function moveInside(corners) {
  return act(post("/api/draw", {polygon: corners.map((c) => [c.lat, c.lng]), to: TARGET}));
}

function finishDrawing() {
  if (!DRAW) return null;
  if (DRAW.corners.length < 3) { showError("A polygon needs at least 3 corners."); return null; }
  const corners = DRAW.corners;
  stopDrawing();
  return moveInside(corners);
}

// The brush: Shift and drag a rectangle; every home in it moves to the chosen neighbourhood.
function brushDown(event) {
  if (!event.shiftKey || event.button !== 0 || DRAW) return;
  event.preventDefault();
  const start = MAP.mouseEventToLatLng(event);
  BRUSH = {start, box: L.rectangle([start, start], Object.assign({}, DRAW_STYLE, {fillOpacity: 0.1})).addTo(MAP)};
  document.addEventListener("mousemove", brushMove);
  document.addEventListener("mouseup", brushUp);
}

function brushMove(event) {
  if (BRUSH) BRUSH.box.setBounds(L.latLngBounds(BRUSH.start, MAP.mouseEventToLatLng(event)));
}

function endBrush() {
  document.removeEventListener("mousemove", brushMove);
  document.removeEventListener("mouseup", brushUp);
  if (BRUSH) MAP.removeLayer(BRUSH.box);
  BRUSH = null;
}

function brushUp(event) {
  if (!BRUSH) return;
  const start = MAP.latLngToContainerPoint(BRUSH.start), end = MAP.mouseEventToContainerPoint(event);
  const box = L.latLngBounds(BRUSH.start, MAP.mouseEventToLatLng(event));
  endBrush();
  quietClicksUntil = performance.now() + 300;  // the click ending the drag is not a click on a home
  if (Math.abs(start.x - end.x) < 4 || Math.abs(start.y - end.y) < 4) return;
  moveInside([box.getSouthWest(), box.getNorthWest(), box.getNorthEast(), box.getSouthEast()]);
}

function drawingOn(map) {
  map.boxZoom.disable();  // Shift-drag is the brush here, not a zoom
  map.on("click", (e) => addCorner(e.latlng));
  map.on("dblclick", () => finishDrawing());
  map.on("mousemove", (e) => {
    if (DRAW && DRAW.corners.length) DRAW.guide.setLatLngs([DRAW.corners[DRAW.corners.length - 1], e.latlng,
      ...(DRAW.corners.length > 1 ? [DRAW.corners[0]] : [])]);
  });
  const container = map.getContainer();
  container.addEventListener("mousedown", brushDown);
  container.addEventListener("click", (e) => { if (performance.now() < quietClicksUntil) e.stopPropagation(); }, true);
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") { stopDrawing(); endBrush(); } });
  $("draw-start").onclick = startDrawing;
  $("draw-finish").onclick = finishDrawing;
  $("draw-cancel").onclick = stopDrawing;
}

function show(view) {
  document.querySelectorAll("header nav button").forEach((b) => b.classList.toggle("on", b.dataset.view === view));
  $("edit-panel").classList.toggle("hidden", view !== "edit");
  $("compare-panel").classList.toggle("hidden", view !== "compare");
  $("runs-panel").classList.toggle("hidden", view !== "runs");
  $("map").classList.toggle("hidden", view !== "edit");
  $("compare-view").classList.toggle("hidden", view !== "compare");
  $("runs-view").classList.toggle("hidden", view !== "runs");
  if (view === "edit" && MAP) MAP.invalidateSize();
  if (view === "runs") pollRuns();
}

async function compare() {
  const chosen = [...document.querySelectorAll("#compare-choices input:checked")].map((i) => i.value);
  let data;
  try { data = await api("/api/compare?plans=" + chosen.map(encodeURIComponent).join(",")); showError(null); }
  catch (error) { showError(error); return; }
  const rows = [
    ["Neighbourhoods", (p) => p.names.length],
    ["Recipients covered", (p) => p.figures.recipients],
    ["Recipients in none", (p) => p.figures.unassigned],
    ["Sizes", (p) => Math.min(...p.figures.neighbourhoods.map((n) => n.recipients)) + "-" + Math.max(...p.figures.neighbourhoods.map((n) => n.recipients))],
    ["Mean drive inside (min)", (p) => minutes(p.figures.mean_drive_s)],
    ["95th percentile (min)", (p) => minutes(p.figures.p95_drive_s)],
    ["Longest drive inside (min)", (p) => minutes(p.figures.diameter_s)],
    ["Providers per neighbourhood", (p) => (p.figures.neighbourhoods.reduce((a, n) => a + n.providers, 0) / p.names.length).toFixed(1)],
    ...["every recipient covered once", "sizes within the tolerance", "contiguous"].map((name) =>
      [name, (p) => { const c = p.figures.checks.find((x) => x.name === name); return c.passed ? "✓ passed" : "✗ failed"; }]),
  ];
  $("compare-table").innerHTML = "<tr><th></th>" + data.plans.map((p) => `<th>${esc(p.name)}</th>`).join("") + "</tr>" +
    rows.map(([label, value]) => `<tr><td>${esc(label)}</td>` + data.plans.map((p) => `<td>${esc(value(p))}</td>`).join("") + "</tr>").join("");
  $("compare-maps").innerHTML = data.plans.map((p, i) => `<figure><figcaption>${esc(p.name)}</figcaption><div class="mini" id="mini-${i}"></div></figure>`).join("");
  show("compare");
  data.plans.forEach((p, i) => {
    const mini = L.map(`mini-${i}`, {zoomSnap: 0.25});
    mini.fitBounds(MAPDATA.bounds, {animate: false});
    roadsOn(mini, MAPDATA);
    drawCells(mini, MAPDATA, p, false);
  });
}

async function upload(file) {
  if (!file) return;
  if (file.size > MAPDATA.max_upload_bytes) {
    showError(`${file.name} is larger than the studio takes (${MAPDATA.max_upload_bytes / 1048576} MB).`);
    $("upload").value = ""; return;
  }
  const body = await file.arrayBuffer();
  await act(api("/api/upload", {method: "POST", body, headers: {"X-Filename": file.name,
    "Content-Type": "application/octet-stream"}}));
  $("upload").value = "";
}

function togglePrivacy() {
  const counts = $("privacy").checked;
  if (counts) { MAP.removeLayer(mapLayerHomes); areaLabels.forEach((m) => m.addTo(MAP)); if (!MAP.hasLayer(mapLayerAreas)) mapLayerAreas.addTo(MAP); }
  else { mapLayerHomes.addTo(MAP); areaLabels.forEach((m) => MAP.removeLayer(m)); }
}

$("load-generated").onclick = () => act(post("/api/load", {source: "generated"}));
$("load-census").onclick = () => act(post("/api/load", {source: "census"}));
$("load-saved").onclick = () => act(post("/api/load", {source: "saved", name: $("saved-select").value}));
$("upload").onchange = (event) => upload(event.target.files[0]);
$("undo").onclick = () => act(post("/api/undo"));
$("redo").onclick = () => act(post("/api/redo"));
$("merge").onclick = () => act(post("/api/merge", {keep: Number($("merge-keep").value), absorb: Number($("merge-absorb").value)}));
$("split").onclick = () => act(post("/api/split", {neighbourhood: Number($("split-which").value)}));
$("save").onclick = () => act(post("/api/save", {name: $("save-name").value}));
$("compare").onclick = compare;
$("run").onclick = async () => { const run = await act(post("/api/runs", {plan: $("run-plan").value})); if (run) pollRuns(); };
$("privacy").onchange = togglePrivacy;
document.querySelectorAll("header nav button").forEach((b) => b.onclick = () => show(b.dataset.view));
start().catch(showError);
