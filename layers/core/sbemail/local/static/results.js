// The result: one card per variant with its inbox row, figures, take-away buttons and
// renders at two widths. Everything from the API or the model goes in as text
// (``textContent``) or inside a sandboxed frame without scripts: none of it ever becomes
// markup of this page.

const $ = (id) => document.getElementById(id);

export const GMAIL_CLIP_BYTES = 102 * 1024;
const WIDTHS = [["desktop", "Desktop", 640], ["mobile", "Mobile", 375]];
const FORMATS = [["mjml", "MJML", "text/plain", "mjml"], ["html", "HTML", "text/html", "html"],
  ["text", "Text", "text/plain", "txt"]];

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) { node.className = className; }
  if (text !== undefined) { node.textContent = text; }
  return node;
}

const grouped = (value) => Number(value || 0).toLocaleString("en-US");

export function formatCost(cost) {
  if (cost === null || cost === undefined) { return "unknown (unpriced model)"; }
  if (cost === 0) { return "$0.00"; }
  return cost < 0.01 ? `$${cost.toFixed(4)}` : `$${cost.toFixed(2)}`;
}

export function formatSize(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function tokens(usage = {}) {
  const cached = usage.cachedTokens ? ` (${grouped(usage.cachedTokens)} cached)` : "";
  return `${grouped(usage.inputTokens)} in${cached} · ${grouped(usage.outputTokens)} out`;
}

function slug(text) {
  return String(text || "email").toLowerCase().normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "email";
}

let announce = () => {};

/** Where copy and download outcomes are announced (the page's live status). */
export function announceWith(callback) { announce = callback; }

/** Copy ``text``: the Clipboard API, else a selected hidden text area. */
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try { await navigator.clipboard.writeText(text); return true; } catch { /* fall back */ }
  }
  const area = element("textarea", "offscreen");
  area.value = text;
  area.setAttribute("readonly", "");
  document.body.append(area);
  area.select();
  let copied = false;
  try { copied = document.execCommand("copy"); } catch { copied = false; }
  area.remove();
  return copied;
}

function download(text, type, filename) {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = element("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function inboxRow(storeName, email) {
  const row = element("div", "inbox");
  row.setAttribute("role", "group");
  row.setAttribute("aria-label", "As it shows in an inbox");
  const avatar = element("span", "avatar", (storeName || "?").trim().charAt(0).toUpperCase());
  avatar.setAttribute("aria-hidden", "true");
  const body = element("div", "inbox-text");
  body.append(element("span", "from", storeName));
  const line = element("span", "line");
  const subject = element("strong", "subject", email.subjectLine);
  const preheader = element("span", "preheader", email.preheader);
  line.append(subject, element("span", "dash", " — "), preheader);
  body.append(line);
  row.append(avatar, body, element("span", "when", "now"));
  return row;
}

function figures(email) {
  const list = element("dl", "figures");
  const add = (term, ...content) => {
    const item = element("div");
    const value = element("dd");
    value.append(...content);
    item.append(element("dt", "", term), value);
    list.append(item);
  };
  if (email.sizeBytes !== undefined) {
    const meter = element("meter");
    meter.min = 0;
    meter.max = GMAIL_CLIP_BYTES;
    meter.high = GMAIL_CLIP_BYTES * 0.8;
    meter.value = Math.min(email.sizeBytes, GMAIL_CLIP_BYTES);
    meter.setAttribute("aria-label", "Size against Gmail's clip");
    const over = email.sizeBytes > GMAIL_CLIP_BYTES;
    const words = `${formatSize(email.sizeBytes)} of Gmail's 102 KB clip${over ? " (clipped)" : ""}`;
    add("HTML size", element("span", "size", words), meter);
  }
  add("Tokens", tokens(email.usage));
  add("Cost", formatCost(email.costUSD));
  return list;
}

function takeAway(email, number, base) {
  const group = element("div", "take");
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", `Copy or download variant ${number}`);
  for (const [verb, act] of [["Copy", "copy"], ["Download", "download"]]) {
    for (const [key, label, type, extension] of FORMATS) {
      const button = element("button", `secondary small ${act}`, `${verb} ${label}`);
      button.type = "button";
      button.dataset.format = key;
      button.setAttribute("aria-label", `${verb} ${label} of variant ${number}`);
      button.addEventListener("click", async () => {
        if (act === "download") {
          download(email[key], type, `${base}-${number}.${extension}`);
          announce(`Downloading ${label} of variant ${number}.`);
        } else if (await copyText(email[key])) {
          announce(`${label} of variant ${number} copied.`);
        } else {
          announce(`Could not copy: use Download ${label} instead.`);
        }
      });
      group.append(button);
    }
  }
  return group;
}

function renders(email, number) {
  const frames = element("div", "frames");
  for (const [kind, name, width] of WIDTHS) {
    const figure = element("figure", `frame ${kind}`);
    figure.append(element("figcaption", "", `${name} · ${width} px`));
    const frame = element("iframe", kind);
    frame.setAttribute("sandbox", "");  // no scripts, no forms, no navigation of this page
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.title = `Variant ${number} at ${name.toLowerCase()} width (${width} px)`;
    frame.width = String(width);
    frame.srcdoc = email.html;
    figure.append(frame);
    frames.append(figure);
  }
  return frames;
}

function variantCard(email, storeName, base) {
  const number = email.index + 1;
  const card = element("article", email.error ? "variant failed" : "variant");
  card.id = `variant-${number}`;
  const head = element("header", "variant-head");
  const title = element("h3", "", `Variant ${number}`);
  title.id = `variant-${number}-title`;
  card.setAttribute("aria-labelledby", title.id);
  head.append(title);
  if (email.layoutId) { head.append(element("span", "tag", `layout ${email.layoutId}`)); }
  card.append(head);
  if (email.error) {
    card.append(element("p", "variant-error", `This variant could not be written: ${email.error.message}`));
    card.append(figures(email));
    return card;
  }
  card.append(inboxRow(storeName, email), figures(email), takeAway(email, number, base),
    renders(email, number));
  return card;
}

/** Show a completed result; returns the heading to move focus to. */
export function showResult(result, request) {
  const storeName = request.brandData.store_name;
  const base = `${slug(storeName)}-${slug(request.emailType)}`;
  const emails = result.emails || [];
  const written = emails.filter((email) => !email.error).length;
  const parts = [`${written} of ${emails.length} variant${emails.length === 1 ? "" : "s"} written`];
  parts.push(result.provider === "offline" ? "by the offline writer" : `by ${result.model || result.provider}`);
  if (result.theme) { parts.push(`${result.theme.replace(/_/g, " ")} style`); }
  parts.push(`${tokens(result.usage)} tokens`);
  parts.push(`cost ${formatCost(result.costsUSD && result.costsUSD.priced === false ? null : result.costsUSD?.total)}`);
  if (result.cache === "hit") { parts.push("answered from the cache"); }
  $("results-summary").textContent = `${parts.join(" · ")}.`;
  const warnings = element("ul", "warnings");
  for (const warning of result.warnings || []) {
    warnings.append(element("li", "", typeof warning === "string" ? warning : warning.message || ""));
  }
  const list = $("variants-list");
  list.replaceChildren(...(warnings.children.length ? [warnings] : []),
    ...emails.map((email) => variantCard(email, storeName, base)));
  $("results").hidden = false;
  return $("results-title");
}

export function hideResult() {
  $("results").hidden = true;
  $("variants-list").replaceChildren();
}
