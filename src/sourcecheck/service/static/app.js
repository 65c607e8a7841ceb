// sourcecheck's web page: submit a check, follow its progress, show its report.
// All text from the server goes in with textContent; no HTML is ever built from strings.
"use strict";

const $ = (sel) => document.querySelector(sel);
let polling = null;
const VERDICTS = ["supported", "partially_supported", "contradicted", "not_found"];

function setMode(mode) {
  for (const div of document.querySelectorAll("[data-mode]")) {
    div.hidden = div.dataset.mode !== mode;
  }
}

function stageText(check) {
  const p = check.progress;
  switch (check.status) {
    case "queued": return "Queued";
    case "failed": return "Failed";
    case "done": return "Done";
  }
  const stages = {
    fetch: "Fetching documents",
    load: "Reading documents",
    index: "Indexing source passages",
    score: "Scoring claims",
    check: "Checking claims",
  };
  const what = stages[p.stage] || "Starting";
  if (p.stage === "score" || p.stage === "check") {
    return `${what}: ${p.claims_done} of ${p.claims_total} claims`;
  }
  return p.total ? `${what}: ${p.done} of ${p.total}` : what;
}

function showError(el, message) {
  el.textContent = message;
  el.hidden = !message;
}

async function errorMessage(response) {
  try {
    const body = await response.json();
    if (body && body.error && body.error.message) return body.error.message;
  } catch (e) { /* not JSON */ }
  return `HTTP ${response.status}`;
}

async function submitCheck(event) {
  event.preventDefault();
  const form = $("#check-form");
  const mode = form.querySelector("input[name=article_mode]:checked").value;
  const data = new FormData();
  if (mode === "file") {
    const file = $("#article-file").files[0];
    if (!file) { showError($("#form-error"), "Choose an article file."); return; }
    data.append("article", file);
  } else if (mode === "text") {
    data.append("article_text", $("#article-text").value);
  } else {
    data.append("article_url", $("#article-url").value);
  }
  for (const file of $("#source-files").files) data.append("sources", file);
  const urls = $("#source-urls").value.trim();
  if (urls) data.append("source_urls", urls);
  data.append("check_comments", form.check_comments.checked ? "true" : "false");
  showError($("#form-error"), "");
  $("#submit").disabled = true;
  try {
    const response = await fetch("/api/checks", { method: "POST", body: data });
    if (response.status !== 202) {
      showError($("#form-error"), await errorMessage(response));
      return;
    }
    const created = await response.json();
    follow(created.id);
  } catch (e) {
    showError($("#form-error"), `The service cannot be reached (${e.message}).`);
  } finally {
    $("#submit").disabled = false;
  }
}

function follow(id) {
  if (polling) clearTimeout(polling);
  const run = $("#run");
  run.hidden = false;
  run.dataset.checkId = id;
  $("#report-frame").hidden = true;
  $("#downloads").hidden = true;
  showError($("#run-error"), "");
  $("#progress-bar").value = 0;
  const tick = async () => {
    let check;
    try {
      const response = await fetch(`/api/checks/${encodeURIComponent(id)}`);
      if (!response.ok) { showError($("#run-error"), await errorMessage(response)); return; }
      check = await response.json();
    } catch (e) {
      polling = setTimeout(tick, 1000);
      return;
    }
    if (run.dataset.checkId !== id) return;
    $("#run-name").textContent = check.documents[0] ? check.documents[0].name : id;
    $("#progress-bar").value = check.progress.fraction;
    $("#progress-text").textContent = stageText(check);
    if (check.status === "done") {
      showReport(check);
      loadHistory();
    } else if (check.status === "failed") {
      showError($("#run-error"), check.error || "The check failed.");
      loadHistory();
    } else {
      polling = setTimeout(tick, 400);
    }
  };
  tick();
}

function showReport(check) {
  const links = check.links;
  $("#dl-json").href = links.report_json;
  $("#dl-md").href = links.report_markdown;
  $("#dl-html").href = links.report_html;
  $("#open-html").href = links.report_html;
  $("#downloads").hidden = false;
  const frame = $("#report-frame");
  frame.src = links.report_html;
  frame.hidden = false;
}

function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

async function loadHistory() {
  let list;
  try {
    const response = await fetch("/api/checks?limit=20");
    if (!response.ok) return;
    list = await response.json();
  } catch (e) { return; }
  const body = $("#history-table tbody");
  body.replaceChildren();
  $("#history-empty").hidden = list.checks.length > 0;
  for (const check of list.checks) {
    const tr = document.createElement("tr");
    tr.appendChild(cell(check.documents[0] ? check.documents[0].name : check.id));
    tr.appendChild(cell(check.status, `status-${check.status}`));
    const counts = check.summary
      ? VERDICTS.filter((k) => check.summary[k]).map((k) => `${k.replace(/_/g, " ")}: ${check.summary[k]}`).join(", ")
      : "";
    tr.appendChild(cell(counts));
    tr.appendChild(cell(check.created.replace("T", " ").slice(0, 19)));
    const actions = document.createElement("td");
    const open = document.createElement("button");
    open.type = "button";
    open.className = "secondary";
    open.textContent = "Open";
    open.addEventListener("click", () => follow(check.id));
    const del = document.createElement("button");
    del.type = "button";
    del.className = "secondary";
    del.textContent = "Delete";
    del.setAttribute("aria-label", `Delete the check of ${check.documents[0] ? check.documents[0].name : check.id}`);
    del.addEventListener("click", async () => {
      await fetch(`/api/checks/${encodeURIComponent(check.id)}`, { method: "DELETE" });
      if ($("#run").dataset.checkId === check.id) $("#run").hidden = true;
      loadHistory();
    });
    actions.append(open, " ", del);
    tr.appendChild(actions);
    body.appendChild(tr);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  for (const radio of document.querySelectorAll("input[name=article_mode]")) {
    radio.addEventListener("change", () => setMode(radio.value));
  }
  $("#check-form").addEventListener("submit", submitCheck);
  loadHistory();
});
