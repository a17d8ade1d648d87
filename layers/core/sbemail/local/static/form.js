// The form and the request: filling the form from a sample or a pasted profile, and
// reading it back as the API's request body. The form shows exactly what will be sent;
// whatever a profile carries that the form has no control for (fonts, address, social
// links, banner …) is kept aside and sent along unchanged.

const $ = (id) => document.getElementById(id);

export const MAX_PRODUCTS = 6;
export const MAX_STORIES = 4;

export const COLOURS = [
  ["primary_color", "Brand colour"],
  ["button_color", "Button"],
  ["button_text_color", "Button text"],
  ["text_color", "Text"],
  ["body_color", "Background"],
];

const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;

/** The part of a profile or request the form has no control for. */
let keptBrand = {};

export function buildColours() {
  const grid = $("colours");
  for (const [key, name] of COLOURS) {
    const field = document.createElement("div");
    field.className = "field colour";
    const label = document.createElement("label");
    label.htmlFor = `colour-${key}`;
    label.textContent = name;
    const pair = document.createElement("div");
    pair.className = "colour-pair";
    const picker = document.createElement("input");
    picker.type = "color";
    picker.id = `picker-${key}`;
    picker.value = "#ffffff";
    picker.setAttribute("aria-label", `${name}: colour picker`);
    const text = document.createElement("input");
    text.id = `colour-${key}`;
    text.dataset.field = `brandData.${key}`;
    text.maxLength = 40;
    text.placeholder = "style default";
    text.spellcheck = false;
    picker.addEventListener("input", () => { text.value = picker.value; markSwatch(picker, text); });
    text.addEventListener("input", () => syncPicker(picker, text));
    pair.append(picker, text);
    field.append(label, pair);
    grid.append(field);
  }
}

function syncPicker(picker, text) {
  const match = HEX.exec(text.value.trim());
  if (match) {
    const digits = match[1].length === 3 ? [...match[1]].map((d) => d + d).join("") : match[1];
    picker.value = `#${digits.toLowerCase()}`;
  }
  markSwatch(picker, text);
}

function markSwatch(picker, text) {
  picker.classList.toggle("unset", text.value.trim() === "");
}

function setColour(key, value) {
  const text = $(`colour-${key}`);
  text.value = value || "";
  syncPicker($(`picker-${key}`), text);
}

/** Add a product or story row, numbered, with its controls named for API errors. */
export function addRow(kind, values = {}) {
  const list = $(kind === "product" ? "products" : "stories");
  const row = $(`${kind}-row`).content.firstElementChild.cloneNode(true);
  for (const input of row.querySelectorAll("[data-key]")) {
    input.value = values[input.dataset.key] ?? "";
  }
  row.querySelector(".remove").addEventListener("click", () => {
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumber(kind);
    (next ? next.querySelector("input, textarea") : $(`add-${kind}`)).focus();
  });
  list.append(row);
  renumber(kind);
  return row;
}

/** Ids, labels and API field names follow the rows' order after every change. */
function renumber(kind) {
  const list = $(kind === "product" ? "products" : "stories");
  const word = kind === "product" ? "Product" : "Story";
  const path = kind === "product" ? "brandData.products" : "stories";
  [...list.children].forEach((row, index) => {
    row.querySelector(".row-title").textContent = `${word} ${index + 1}`;
    row.querySelector("fieldset").dataset.field = `${path}.${index}`;
    const remove = row.querySelector(".remove");
    remove.textContent = `Remove ${word.toLowerCase()} ${index + 1}`;
    for (const input of row.querySelectorAll("[data-key]")) {
      const key = input.dataset.key;
      input.id = `${kind}-${index}-${key}`;
      input.dataset.field = `${path}.${index}.${key}`;
      input.previousElementSibling.htmlFor = input.id;
      input.dataset.label = `${word} ${index + 1}: ${labelText(input.previousElementSibling)}`;
    }
  });
  const max = kind === "product" ? MAX_PRODUCTS : MAX_STORIES;
  $(`add-${kind}`).disabled = list.children.length >= max;
}

function labelText(label) {
  const clone = label.cloneNode(true);
  clone.querySelectorAll(".req, .hint-inline").forEach((node) => node.remove());
  return clone.textContent.trim();
}

/** The words of a control's label, as error messages name it. */
export function controlName(control) {
  if (control.dataset.label) { return control.dataset.label; }
  const label = control.id && document.querySelector(`label[for="${control.id}"]`);
  if (label) { return labelText(label); }
  const legend = control.closest("fieldset")?.querySelector("legend");
  return legend ? labelText(legend) : control.dataset.field;
}

/** The brand as the form shows it, from a request's ``brandData`` or a profile. */
function flatBrand(profile) {
  const palette = (Array.isArray(profile.colors) ? profile.colors : [])
    .map((c) => (c && typeof c === "object" ? c.hex : c))
    .filter((c) => typeof c === "string" && HEX.test(c.trim()));
  return {
    store_name: text(profile.store_name) || text(profile.title) || text(profile.name),
    store_url: text(profile.store_url) || text(profile.domain),
    logo_url: text(profile.logo_url) || bestLogo(profile.logos),
    description: text(profile.description),
    primary_color: text(profile.primary_color) || palette[0] || "",
    button_color: text(profile.button_color) || mostColourful(palette) || "",
    button_text_color: text(profile.button_text_color),
    text_color: text(profile.text_color),
    body_color: text(profile.body_color),
    products: Array.isArray(profile.products) ? profile.products : [],
  };
}

function text(value) {
  return typeof value === "string" ? value.trim() : "";
}

/** A wide logo for light backgrounds first, as the service itself prefers. */
function bestLogo(logos) {
  if (!Array.isArray(logos)) { return ""; }
  const modes = { light: 0, has_opaque_background: 1 };
  const rank = (logo) => (modes[logo.mode] ?? 2) * 2 + (logo.type === "icon" ? 1 : 0);
  const found = logos.filter((logo) => logo && typeof logo === "object" && text(logo.url));
  found.sort((a, b) => rank(a) - rank(b));
  return found.length ? text(found[0].url) : "";
}

function mostColourful(palette) {
  let best = palette[0];
  let bestSaturation = -1;
  for (const colour of palette) {
    const hex = colour.trim().replace("#", "");
    const digits = hex.length === 3 ? [...hex].map((d) => d + d).join("") : hex;
    const [r, g, b] = [0, 2, 4].map((i) => parseInt(digits.slice(i, i + 2), 16) / 255);
    const max = Math.max(r, g, b);
    const saturation = max === 0 ? 0 : (max - Math.min(r, g, b)) / max;
    if (saturation > bestSaturation) { best = colour; bestSaturation = saturation; }
  }
  return bestSaturation >= 0.25 ? best : palette[0];
}

const FORM_BRAND_KEYS = ["store_name", "store_url", "logo_url", "description", "products",
  "title", "domain", "logos", "colors", ...COLOURS.map(([key]) => key)];

/** Fill the whole form from a request (``{brandData, emailType, …}``). */
export function fillRequest(request) {
  fillBrand(request.brandData || {});
  if (request.emailType) {
    const radio = document.querySelector(`input[name=emailType][value="${CSS.escape(request.emailType)}"]`);
    if (radio) { radio.checked = true; }
  }
  $("brief").value = request.userContext || "";
  $("tone").value = request.tone || "";
  const aesthetic = request.designAesthetic || request.styleId || "";
  if ([...$("aesthetic").options].some((o) => o.value === aesthetic)) { $("aesthetic").value = aesthetic; }
  if (Number.isInteger(request.variants)) { $("variants").value = request.variants; }
  const offer = request.offer || {};
  $("offer-description").value = offer.description || "";
  $("offer-code").value = offer.code || "";
  $("offer-ends").value = (offer.endsAt || "").slice(0, 10);
  $("offer-terms").value = offer.terms || "";
  $("offer-url").value = offer.url || "";
  $("cart-url").value = request.cartUrl || "";
  $("language").value = request.language || "";
  $("stories").replaceChildren();
  for (const story of (request.stories || []).slice(0, MAX_STORIES)) { addRow("story", story); }
  renumber("story");
  const person = request.personalization || {};
  $("first-name-tag").value = person.firstName || "";
  $("first-name-fallback").value = person.fallback || "";
  $("facts").open = Boolean(request.offer || request.cartUrl || request.stories
    || request.language || request.personalization);
  updateCounter();
}

/** Fill the brand part from a ``brandData`` object or a Brand.dev-style profile. */
export function fillBrand(profile) {
  const brand = flatBrand(profile);
  keptBrand = Object.fromEntries(
    Object.entries(profile).filter(([key]) => !FORM_BRAND_KEYS.includes(key)));
  $("store-name").value = brand.store_name;
  $("store-url").value = brand.store_url;
  $("logo-url").value = brand.logo_url;
  $("brand-description").value = brand.description;
  for (const [key] of COLOURS) { setColour(key, brand[key]); }
  $("products").replaceChildren();
  for (const product of brand.products.slice(0, MAX_PRODUCTS)) {
    if (product && typeof product === "object") { addRow("product", product); }
  }
  renumber("product");
  describeKept();
}

export function clearAll() {
  fillRequest({ brandData: {}, emailType: "Promotion", variants: 3 });
  addRow("product");
}

/** Say what else the profile brought, so nothing travels unseen. */
function describeKept() {
  const parts = [];
  const given = (value) => value !== null && value !== undefined && value !== "";
  const count = (value) => (Array.isArray(value) ? value : Object.values(value || {}))
    .filter(given).length;
  if (keptBrand.slogan) { parts.push("slogan"); }
  if (keptBrand.tone) { parts.push("brand tone"); }
  if (count(keptBrand.fonts)) { parts.push("fonts"); }
  if (keptBrand.address && count(keptBrand.address)) { parts.push("address"); }
  const socials = count(keptBrand.social_links) || count(keptBrand.socials);
  if (socials) { parts.push(`${socials} social link${socials === 1 ? "" : "s"}`); }
  if (keptBrand.banner_url || count(keptBrand.backdrops)) { parts.push("banner image"); }
  const kept = $("kept");
  kept.hidden = parts.length === 0;
  kept.textContent = parts.length ? `Also used from this profile: ${parts.join(", ")}.` : "";
}

function rows(listId) {
  return [...$(listId).children].map((row) => Object.fromEntries(
    [...row.querySelectorAll("[data-key]")].map((input) => [input.dataset.key, input.value.trim()])));
}

const filled = (object) => Object.values(object).some((value) => value !== "");

function without(object) {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== ""));
}

/** A store id from the site's host: jobs are filed (and read back) per store. */
function storeId(url) {
  let host = url;
  try { host = new URL(url.includes("://") ? url : `https://${url}`).hostname; } catch { /* as typed */ }
  return host.replace(/[^\w.:-]+/g, "-").slice(0, 128) || "default";
}

/** The request body the form describes. */
export function readRequest() {
  const brand = { ...keptBrand };
  brand.store_name = $("store-name").value.trim();
  brand.store_url = $("store-url").value.trim();
  brand.logo_url = $("logo-url").value.trim();
  brand.description = $("brand-description").value.trim();
  for (const [key] of COLOURS) { brand[key] = $(`colour-${key}`).value.trim(); }
  brand.products = rows("products").filter(filled);
  const request = {
    storeId: storeId(brand.store_url),
    emailType: document.querySelector("input[name=emailType]:checked").value,
    userContext: $("brief").value,
    tone: $("tone").value.trim(),
    designAesthetic: $("aesthetic").value,
    variants: Number($("variants").value),
    brandData: brand,
  };
  const offer = without({
    description: $("offer-description").value.trim(),
    code: $("offer-code").value.trim(),
    endsAt: $("offer-ends").value,
    terms: $("offer-terms").value.trim(),
    url: $("offer-url").value.trim(),
  });
  if (filled(offer)) { request.offer = offer; }
  const cart = $("cart-url").value.trim();
  if (cart) { request.cartUrl = cart; }
  const language = $("language").value.trim();
  if (language) { request.language = language; }
  const stories = rows("stories").filter(filled).map(without);
  if (stories.length) { request.stories = stories; }
  const person = without({
    firstName: $("first-name-tag").value.trim(),
    fallback: $("first-name-fallback").value.trim(),
  });
  if (filled(person)) { request.personalization = person; }
  return request;
}

export function updateCounter() {
  const length = $("brief").value.length;
  $("brief-count").textContent = `${length.toLocaleString("en")} of 4,000 characters`;
}
