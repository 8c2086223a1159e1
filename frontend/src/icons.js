// The buttons' icons: ipywidgets names them in Font Awesome 4.7 (`icon="save"` is <i class="fa fa-save">). Its
// stylesheet comes with this script (build.mjs puts it in ICONS_CSS, without its @font-face) and its font is served
// beside it, so icons show on a network with no way out. Browsers fetch the font only for a page that shows an icon.
/* global ICONS_CSS, ICONS_VERSION */

export const ICONS_FONT = 'ttt-icons.woff2';

export function addIcons(baseUrl) {
  const style = document.createElement('style');
  style.className = 'ttt-icons';
  const font = `${baseUrl || '/'}voila/templates/ttt/static/${ICONS_FONT}?v=${ICONS_VERSION}`;
  style.textContent = `@font-face{font-family:'FontAwesome';src:url('${font}') format('woff2');`
    + `font-weight:normal;font-style:normal;font-display:block}${ICONS_CSS}`;
  document.head.appendChild(style);
  // an icon is decoration: its glyph (a private-use character) must not become part of a button's name for screen
  // readers, so every icon the widgets draw is hidden from them, as Font Awesome advises
  const hide = (node) => {
    if (node.nodeType !== Node.ELEMENT_NODE) {
      return;
    }
    (node.matches('i.fa') ? [node] : node.querySelectorAll('i.fa')).forEach((icon) => {
      icon.setAttribute('aria-hidden', 'true');
    });
  };
  hide(document.body);
  new MutationObserver((changes) => changes.forEach((change) => change.addedNodes.forEach(hide)))
    .observe(document.body, { childList: true, subtree: true });
}
