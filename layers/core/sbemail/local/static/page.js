// The page's wiring: examples and pasted profiles fill the form, the form is submitted as
// a job (``Prefer: wait=0``), the job is followed with a progress bar, and the result or
// the API's errors are shown. No text from the API or the model is parsed as markup.

import { clearErrors, clearOnEdit, showErrors } from "./errors.js";
import {
  addRow, buildColours, clearAll, fillBrand, fillRequest, readRequest, updateCounter,
} from "./form.js";
import { announceWith, formatCost, hideResult, showResult } from "./results.js";

const $ = (id) => document.getElementById(id);
const samples = {};

function say(text, isError = false) {
  const status = $("status");
  status.classList.toggle("error", isError);
  status.textContent = text;
}

async function loadSamples() {
  const select = $("sample");
  try {
    const names = await (await fetch("/samples")).json();
    const bodies = await Promise.all(
      names.map(async (name) => (await fetch(`/samples/${encodeURIComponent(name)}`)).json()));
    const placeholder = new Option("Choose an example store…", "");
    select.replaceChildren(placeholder);
    names.forEach((name, index) => {
      samples[name] = bodies[index];
      const brand = bodies[index].brandData || {};
      select.append(new Option(`${brand.store_name} (${bodies[index].emailType})`, name));
    });
  } catch {
    select.replaceChildren(new Option("No examples available", ""));
  }
}

function useSample() {
  const sample = samples[$("sample").value];
  if (!sample) {
    showErrors([{ field: "sample", message: "choose an example first" }], "Nothing to fill in yet");
    return;
  }
  clearErrors();
  hideResult();
  fillRequest(structuredClone(sample));
  say(`Filled in with the example ${sample.brandData.store_name}. Change anything you like.`);
}

/** The parser's complaint in plain words, with where it is: ``… at line 3, column 5``. */
function jsonProblem(message, source) {
  const found = /^(.*?)(?:, ".*" is not valid JSON)?(?:,? in JSON)?(?: at position (\d+))?(?: \(line (\d+) column (\d+)\))?$/s
    .exec(message.trim());
  let [what, position, line, column] = found ? found.slice(1) : [message];
  if (position !== undefined && line === undefined) {
    const before = source.slice(0, Number(position)).split("\n");
    [line, column] = [before.length, before[before.length - 1].length + 1];
  }
  what = what.charAt(0).toLowerCase() + what.slice(1);
  return line === undefined ? what : `${what} at line ${line}, column ${column}`;
}

/** What a pasted text is: a request, a ``{brand: …}`` answer, or a profile itself. */
function usePastedProfile() {
  clearErrors();
  const source = $("profile-json").value.trim();
  const problem = (message) => showErrors(
    [{ field: "profileJson", message }], "The pasted profile could not be used");
  if (!source) { problem("is empty: paste a brand profile in JSON first"); return; }
  let value;
  try {
    value = JSON.parse(source);
  } catch (error) {
    problem(`is not valid JSON: ${jsonProblem(error.message, source)}. `
      + "Check for a missing comma, quote or brace");
    return;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    problem(`should be a JSON object ({ … }), not ${Array.isArray(value) ? "a list" : typeof value}`);
    return;
  }
  if (value.brandData && typeof value.brandData === "object") {
    fillRequest(value);
  } else {
    const profile = value.brand && typeof value.brand === "object" ? value.brand : value;
    const known = ["store_name", "title", "name", "store_url", "domain"];
    if (!known.some((key) => typeof profile[key] === "string" && profile[key].trim())) {
      problem("has no store name or website: expected fields such as title, domain, "
        + "store_name or store_url");
      return;
    }
    fillBrand(profile);
  }
  hideResult();
  say(`Filled in from the pasted profile: ${$("store-name").value || "no name yet"}.`);
  $("store-name").focus();
}

function showProgress(done, total, text) {
  const progress = $("progress");
  progress.max = Math.max(total, 1);
  progress.value = Math.min(done, progress.max);
  $("progress-label").textContent = text;
  $("progress-area").hidden = false;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `the service answered ${status}`);
    this.status = status;
    this.error = error;
  }
}

async function readJson(reply) {
  try { return await reply.json(); } catch { return {}; }
}

/** Follow a job to its end, moving the progress bar; returns its result. */
async function follow(statusUrl, every, total) {
  let shown = -1;
  let misses = 0;
  for (;;) {
    await sleep(every);
    let reply;
    try {
      reply = await fetch(statusUrl, { headers: { Accept: "application/json" } });
    } catch (error) {
      if (++misses >= 3) { throw error; }
      continue;
    }
    misses = 0;
    const job = await readJson(reply);
    if (!reply.ok) { throw new ApiError(reply.status, job); }
    const progress = job.progress || { done: 0, total };
    if (progress.done !== shown) {
      shown = progress.done;
      const text = `${progress.done} of ${progress.total} variants written`;
      showProgress(progress.done, progress.total, `${text}…`);
      say(`Generating: ${text}.`);
    }
    if (job.status === "completed") { return job.result; }
    if (job.status === "failed") {
      throw new ApiError(502, { error: { code: "generation_failed", ...(job.error || {}) } });
    }
  }
}

function explain(error) {
  if (!(error instanceof ApiError)) {
    showErrors([{ message: `could not reach the service (${error.message}). Is it still running?` }],
      "The emails could not be generated");
    return;
  }
  const details = Array.isArray(error.error.details) ? error.error.details : [];
  if (error.status === 400 && details.length) {
    const plural = details.length === 1 ? "this" : `these ${details.length} things`;
    showErrors(details.map((d) => ({ field: d.field, message: d.message })),
      `Please fix ${plural} and generate again`);
  } else if (error.error.code === "generation_failed") {
    const variants = error.error.variants || details;
    const problems = variants.length
      ? variants.map((v) => ({ message: `variant ${Number(v.index) + 1} failed: ${v.message}` }))
      : [{ message: error.message }];
    const spent = error.error.costsUSD;
    if (spent && spent.total) {
      problems.push({ message: `the failed attempts were billed: ${formatCost(spent.total)}` });
    }
    showErrors(problems, "No variant could be written");
  } else {
    showErrors([{ field: details[0]?.field, message: error.message }],
      "The emails could not be generated");
  }
}

async function generate(event) {
  event.preventDefault();
  clearErrors();
  hideResult();
  const request = readRequest();
  const total = Number.isInteger(request.variants) ? request.variants : 1;
  const button = $("generate");
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  showProgress(0, total, "Sending your brief…");
  say("Generating your emails…");
  try {
    const reply = await fetch("/api/email/generate", {
      method: "POST",
      headers: { "Content-Type": "application/json", Prefer: "wait=0" },
      body: JSON.stringify(request),
    });
    const body = await readJson(reply);
    let result;
    if (reply.status === 200) {
      result = body;
    } else if (reply.status === 202) {
      showProgress(0, total, `0 of ${total} variants written…`);
      result = await follow(body.statusUrl, body.pollAfterMs || 1000, total);
    } else {
      throw new ApiError(reply.status, body);
    }
    const count = (result.emails || []).length;
    showProgress(count, count, `All ${count} variants written`);
    const heading = showResult(result, request);
    say(`Done: ${count} variant${count === 1 ? "" : "s"} ready below.`);
    heading.focus();
  } catch (error) {
    $("progress-area").hidden = true;
    say("");
    explain(error);
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

function start() {
  buildColours();
  clearAll();
  announceWith((text) => say(text));
  $("brief").addEventListener("input", updateCounter);
  $("use-sample").addEventListener("click", useSample);
  $("clear-brand").addEventListener("click", () => {
    clearErrors();
    hideResult();
    clearAll();
    say("The form is empty: describe your own store.");
    $("store-name").focus();
  });
  $("use-profile").addEventListener("click", usePastedProfile);
  $("add-product").addEventListener("click", () => addRow("product").querySelector("input").focus());
  $("add-story").addEventListener("click", () => addRow("story").querySelector("input").focus());
  $("generator").addEventListener("submit", generate);
  clearOnEdit($("generator"));
  loadSamples().finally(() => { document.body.dataset.ready = "true"; });
}

start();
