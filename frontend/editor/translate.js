// bpmn-js's translate service: the page's own labels (already in the page's language, keyed by
// their English text) first, then the Chinese dictionary of the libraries' strings when the page
// is in Chinese, else the English text itself. {name} placeholders are filled in.
import zh from "./zh.js";

export function translateModule(language, own) {
  const table = (language || "").toLowerCase().startsWith("zh") ? zh : {};
  function translate(template, replacements) {
    const text = own[template] || table[template] || template;
    return text.replace(/{([^{}]+)}/g, (match, key) =>
      replacements && Object.prototype.hasOwnProperty.call(replacements, key) ? String(replacements[key]) : match,
    );
  }
  return { translate: ["value", translate] };
}
