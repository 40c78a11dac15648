"""The explorer's piece in the page: its width, its keys and what a screen reader says.

An explorer's figure is a picture drawn in the kernel, and its controls are stock ipywidgets.
Three things only the page knows or can do, so a small front-end piece (an ``anywidget``,
its JavaScript below as an ES module: no build step, nothing fetched from a CDN) sits in the
explorer and, on the explorer's root element (``ROOT_CLASS``):

- **Size.** A ``ResizeObserver`` reports the root's width in CSS pixels, with the screen's
  ``devicePixelRatio``, to ``width`` and ``pixel_ratio`` (debounced: a window dragged wider
  sends one report when it stops); the kernel draws the figure for exactly that.
- **Keys.** JupyterLab and Notebook 7 (both Lumino 2) look a key press up in their command
  registry from a ``keydown`` listener on the document, and a binding's selector is matched
  from the focused element upwards, stopping at an element with ``data-lm-suppress-shortcuts``
  (the focused element is tested first, so the root's attribute alone is not enough). So,
  before that listener runs (a capture listener on ``window`` comes first), a plain key
  pressed inside an explorer sets that attribute on the focused element: M, R, Y, A, B, D D, X,
  Enter and
  the arrows reach the focused control, never the notebook. A key with Ctrl, Alt or ⌘,
  Shift+Enter and Escape clear it, so saving and running cells work from inside the explorer.
- **Names.** Each slider handle gets ``aria-label`` (its description) and ``aria-valuetext``
  (its readout: η = 0.1 reads "0.1", not the exponent −1), kept current as it moves; the
  player's icon buttons and every button with a tooltip are named; the figure gets ``alt``
  (the kernel's one-sentence description, ``alt``); the status line is a polite live region.
"""

from __future__ import annotations

import anywidget
import traitlets

ROOT_CLASS = "course-explorer"
FIGURE_CLASS = "course-explorer-figure"
STATUS_CLASS = "course-explorer-status"

REPORT_DELAY_MS = 150
"""A resize is reported once the width has held still this long."""

_SCRIPT = """
const SUPPRESS = 'data-lm-suppress-shortcuts';
const PLAYER_ICONS = {'fa-play': 'play', 'fa-pause': 'pause', 'fa-stop': 'stop',
                      'fa-retweet': 'repeat'};

function setAttribute(node, name, value) {
  if (value && node.getAttribute(name) !== value) node.setAttribute(name, value);
}

function nameSliders(root) {
  for (const slider of root.querySelectorAll('.widget-slider')) {
    const label = slider.querySelector('.widget-label');
    const readout = slider.querySelector('.widget-readout');
    for (const handle of slider.querySelectorAll('.noUi-handle')) {
      setAttribute(handle, 'aria-label', label && label.textContent.trim());
      const shown = readout && readout.offsetParent !== null && readout.textContent.trim();
      setAttribute(handle, 'aria-valuetext',
                   shown || handle.getAttribute('aria-valuenow'));
    }
  }
}

function nameButtons(root) {
  for (const button of root.querySelectorAll('button')) {
    const icon = button.querySelector('i.fa');
    const kind = icon && Object.keys(PLAYER_ICONS).find(name => icon.classList.contains(name));
    setAttribute(button, 'aria-label',
                 kind ? PLAYER_ICONS[kind] : button.getAttribute('title'));
  }
}

function describe(root, model) {
  nameSliders(root);
  nameButtons(root);
  const figure = root.querySelector(FIGURE);
  if (figure) setAttribute(figure, 'alt', model.get('alt'));
  const status = root.querySelector(STATUS);
  if (status) {
    setAttribute(status, 'aria-live', 'polite');
    setAttribute(status, 'role', 'status');
  }
}

function guardKeys(event) {
  const target = event.target;
  if (!(target instanceof Element) || !target.closest(ROOT)) return;
  const command = event.ctrlKey || event.metaKey || event.altKey
    || event.key === 'Escape' || (event.shiftKey && event.key === 'Enter');
  // On the focused element itself: the walk up from it tests the element before its parents,
  // and command mode's selectors (".jp-Notebook.jp-mod-commandMode :focus") match it first.
  target.toggleAttribute(SUPPRESS, !command);
}

function render({ model, el }) {
  el.style.display = 'none';
  let root = null, timer = 0, watcher = null, sizes = null;
  const report = () => {
    if (!root) return;
    const width = Math.round(root.getBoundingClientRect().width);
    const ratio = window.devicePixelRatio || 1;
    if (width < 1 || (width === model.get('width') && ratio === model.get('pixel_ratio'))) {
      return;
    }
    model.set('width', width);
    model.set('pixel_ratio', ratio);
    model.save_changes();
  };
  const later = () => { clearTimeout(timer); timer = setTimeout(report, REPORT_DELAY_MS); };
  const attach = () => {
    root = el.closest(ROOT);
    if (!root) { requestAnimationFrame(attach); return; }
    root.setAttribute(SUPPRESS, '');
    describe(root, model);
    watcher = new MutationObserver(() => describe(root, model));
    watcher.observe(root, {subtree: true, childList: true, characterData: true,
                           attributes: true, attributeFilter: ['aria-valuenow', 'class']});
    sizes = new ResizeObserver(later);
    sizes.observe(root);
    report();
  };
  attach();
  const pixels = window.matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
  pixels.addEventListener('change', later);
  const alt = () => root && describe(root, model);
  model.on('change:alt', alt);
  window.addEventListener('keydown', guardKeys, true);
  return () => {
    clearTimeout(timer);
    if (watcher) watcher.disconnect();
    if (sizes) sizes.disconnect();
    pixels.removeEventListener('change', later);
    model.off('change:alt', alt);
    window.removeEventListener('keydown', guardKeys, true);
  };
}

export default { render };
"""

_ESM = (f"const ROOT = '.{ROOT_CLASS}', FIGURE = 'img.{FIGURE_CLASS}', "
        f"STATUS = '.{STATUS_CLASS}', REPORT_DELAY_MS = {REPORT_DELAY_MS};" + _SCRIPT)


class ExplorerFrontend(anywidget.AnyWidget):
    """Reports the explorer's shown width and pixel ratio; names its controls and figure.

    ``width`` (CSS pixels) and ``pixel_ratio`` are 0 until the page has reported them; ``alt``
    is what the figure's ``alt`` attribute says, set by the kernel.
    """

    _esm = traitlets.Unicode(_ESM).tag(sync=True)
    width = traitlets.Int(0).tag(sync=True)
    pixel_ratio = traitlets.Float(0.0).tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
