// Errors as sentences beside the control they are about, and a summary at the top that
// links to each. The API names fields as callers spell them (``brandData.products.0.url``,
// ``offer.endsAt``); every control carries that name in ``data-field``, so an error finds
// its control, or the nearest group (a product, the offer) when it is about the whole.

import { controlName } from "./form.js";

const $ = (id) => document.getElementById(id);

const PHRASES = [
  [/^field required$/i, "is required"],
  [/^string should have at least 1 character$/i, "is required"],
  [/^list should have at least 1 item.*$/i, "needs at least one entry"],
  [/^(?:string|list|input|value) should (.*)$/i, "should $1"],
  [/^value error, (.*)$/i, "$1"],
  [/^(at most|at least) (.*)$/i, "should have $1 $2"],
  [/^only (.*)$/i, "may contain only $1"],
];

/** ``name`` and the API's ``message`` as one sentence a person reads. */
export function sentence(name, message) {
  let phrase = String(message || "is not valid").trim();
  for (const [pattern, replacement] of PHRASES) {
    if (pattern.test(phrase)) { phrase = phrase.replace(pattern, replacement); break; }
  }
  const verb = /^(must|should|is|are|has|needs|can|cannot|only|at most|at least)\b/i.test(phrase);
  let text = name ? `${name}${verb ? " " : ": "}${phrase}` : phrase;
  text = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** The control (or group) an API field path names, trying ever shorter paths. */
export function controlFor(field) {
  const parts = String(field || "").split(".");
  while (parts.length) {
    const path = parts.join(".");
    const found = document.querySelector(`[data-field="${CSS.escape(path)}"]`);
    if (found) { return found; }
    parts.pop();
  }
  return null;
}

/** A readable name for a field the form has no control for. */
function pathName(field) {
  if (!field || field === "$") { return ""; }
  return field.split(".").filter((part) => part !== "brandData")
    .map((part) => (/^\d+$/.test(part) ? `#${Number(part) + 1}` : part.replace(/_/g, " ")))
    .join(" › ");
}

export function clearErrors() {
  for (const note of document.querySelectorAll(".field-error")) { note.remove(); }
  for (const control of document.querySelectorAll("[aria-invalid]")) {
    control.removeAttribute("aria-invalid");
    const ids = (control.getAttribute("aria-describedby") || "").split(" ")
      .filter((id) => id && !id.endsWith("-error"));
    if (ids.length) { control.setAttribute("aria-describedby", ids.join(" ")); }
    else { control.removeAttribute("aria-describedby"); }
  }
  for (const group of document.querySelectorAll(".has-error")) { group.classList.remove("has-error"); }
  $("error-summary").hidden = true;
  $("error-list").replaceChildren();
}

let counter = 0;

/** Put ``text`` beside ``control`` (an input or a fieldset); returns the control to focus. */
export function markField(control, text) {
  const note = document.createElement("p");
  note.className = "field-error";
  note.id = `${control.id || `group-${++counter}`}-${++counter}-error`;
  note.textContent = text;
  if (control.tagName === "FIELDSET") {
    control.classList.add("has-error");
    control.querySelector("legend").after(note);
    control.setAttribute("aria-describedby", `${control.getAttribute("aria-describedby") || ""} ${note.id}`.trim());
    control.setAttribute("aria-invalid", "true");
    return control.querySelector("input, textarea, select") || control;
  }
  const field = control.closest(".field") || control.parentElement;
  field.classList.add("has-error");
  const anchor = control.closest(".colour-pair, .choice-grid") || control;
  anchor.after(note);
  const described = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  control.setAttribute("aria-describedby", [...described, note.id].join(" "));
  control.setAttribute("aria-invalid", "true");
  return control;
}

/**
 * Show ``problems`` (``[{field, message}]``) at their controls and in the summary, open
 * any collapsed section they are in, and move focus to the summary.
 */
export function showErrors(problems, title = "Please check these before generating") {
  clearErrors();
  const list = $("error-list");
  for (const problem of problems) {
    const control = problem.field ? controlFor(problem.field) : null;
    const item = document.createElement("li");
    if (control) {
      const details = control.closest("details");
      if (details) { details.open = true; }
      const text = sentence(controlName(control), problem.message);
      const target = markField(control, text);
      if (!target.id) { target.id = `field-${++counter}`; }
      const link = document.createElement("a");
      link.href = `#${target.id}`;
      link.textContent = text;
      link.addEventListener("click", (event) => { event.preventDefault(); target.focus(); });
      item.append(link);
    } else {
      item.textContent = sentence(pathName(problem.field), problem.message);
    }
    list.append(item);
  }
  $("error-summary-title").textContent = title;
  const summary = $("error-summary");
  summary.hidden = false;
  summary.focus();
}

/** A control's own error goes once the person edits it (the summary stays until the next
 * attempt, so the list of what was wrong does not shift under a screen reader). */
export function clearOnEdit(form) {
  form.addEventListener("input", (event) => {
    const control = event.target;
    if (!(control instanceof HTMLElement) || control.getAttribute("aria-invalid") !== "true") {
      return;
    }
    const described = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    for (const id of described.filter((name) => name.endsWith("-error"))) {
      document.getElementById(id)?.remove();
    }
    const kept = described.filter((name) => !name.endsWith("-error"));
    if (kept.length) { control.setAttribute("aria-describedby", kept.join(" ")); }
    else { control.removeAttribute("aria-describedby"); }
    control.removeAttribute("aria-invalid");
    control.closest(".field")?.classList.remove("has-error");
  });
}
