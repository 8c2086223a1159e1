// Stands in for the sanitize-html package in the dashboards' front end (build.mjs aliases it here): the widget
// manager uses it only to clean widget descriptions that allow HTML, with an allowlist of tags and attributes.
// The browser parses the text into an inert document (nothing runs, nothing loads); the copy keeps allowed tags with
// their allowed attributes, drops script-like elements with their content, keeps the text of any other tag, and
// refuses links and sources whose scheme is not http(s), ftp, mailto or tel. About 1 KB instead of about 250 KB.

const DROP_WITH_CONTENT = new Set(['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed',
  'template', 'svg', 'math', 'title', 'xmp', 'noembed', 'noframes']);
const URL_ATTRIBUTES = new Set(['href', 'src']);
const SAFE_SCHEME = /^(https?|ftp|mailto|tel):/i;

function safeUrl(value) {
  const compact = value.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  return !/^[a-z][a-z0-9+.-]*:/i.test(compact) || SAFE_SCHEME.test(compact);
}

export default function sanitize(html, options = {}) {
  const allowedTags = new Set(options.allowedTags || []);
  const allowedAttributes = options.allowedAttributes || {};
  const doc = new DOMParser().parseFromString('<!DOCTYPE html><body></body>', 'text/html');
  const source = doc.createElement('template');
  source.innerHTML = String(html);
  const allowed = (tag, name) => [...(allowedAttributes['*'] || []), ...(allowedAttributes[tag] || [])]
    .some((pattern) => (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name));

  function copy(from, to) {
    for (const child of Array.from(from.childNodes)) {
      if (child.nodeType === Node.TEXT_NODE) {
        to.appendChild(doc.createTextNode(child.data));
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        const tag = child.localName;
        if (DROP_WITH_CONTENT.has(tag)) {
          continue;
        }
        if (!allowedTags.has(tag)) {
          copy(child, to);
          continue;
        }
        const element = doc.createElement(tag);
        for (const attribute of Array.from(child.attributes)) {
          const name = attribute.name.toLowerCase();
          if (allowed(tag, name) && (!URL_ATTRIBUTES.has(name) || safeUrl(attribute.value))) {
            element.setAttribute(name, attribute.value);
          }
        }
        copy(child, element);
        to.appendChild(element);
      }
    }
  }

  const out = doc.createElement('div');
  copy(source.content, out);
  return out.innerHTML;
}
