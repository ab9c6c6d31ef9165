// The modelers' translate service (bpmn-js, dmn-js): the page's own labels (already in the page's
// language, keyed by their English text) first, then the given Chinese dictionary of the
// libraries' strings when the page is in Chinese, else the English text itself. {name}
// placeholders are filled in. Each page passes its own dictionary, so a bundle carries only its own.
export function translateModule(language, own, dictionary) {
  const table = (language || "").toLowerCase().startsWith("zh") ? dictionary : {};
  function translate(template, replacements) {
    const text = own[template] || table[template] || template;
    return text.replace(/{([^{}]+)}/g, (match, key) =>
      replacements && Object.prototype.hasOwnProperty.call(replacements, key) ? String(replacements[key]) : match,
    );
  }
  return { translate: ["value", translate] };
}
