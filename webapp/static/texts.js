// Every word of the page: embedded in index.html at serve time from content/ (app: section).
const embedded = JSON.parse(document.getElementById("texts").textContent);
let language = embedded.default;

export function setLanguage(code) {
  if (code && embedded.languages[code]) language = code;
  document.documentElement.lang = language;
}

export function currentLanguage() {
  return language;
}

// A text filled in; a text with plural forms takes the form for params.count (CLDR rules).
export function t(key, params = {}) {
  const own = embedded.languages[language] || {};
  let value = key in own ? own[key] : embedded.languages[embedded.default][key];
  if (value && typeof value === "object") {
    const form = new Intl.PluralRules(language).select(params.count ?? 0);
    value = value[form] ?? value.other;
  }
  return String(value ?? key).replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}
