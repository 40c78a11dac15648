// The course's one front-end piece, written by hand as a JupyterLab federated extension (the
// container protocol of webpack's module federation: init with the shared scope, get a module).
//
// A notebook saved after a run and opened again without its kernel still holds each widget's
// output, but no widget model: JupyterLab's widget renderer then writes "Error displaying
// widget: model not found" where the widget was. For such an output this renders, in the same
// place, the best other part of the output's bundle, as JupyterLab would for a page without
// the widget extension. An explorer's bundle carries its picture with alt text and the line
// "Interactive explorer: run this cell (with a kernel) to move its controls".
(function () {
  'use strict';

  const NAME = 'course-widget-fallback';
  const WIDGET_VIEW = 'application/vnd.jupyter.widget-view+json';
  const MODEL_NOT_FOUND = 'Error displaying widget: model not found';
  let sharedScope = null;

  /** A package the application shares (a singleton such as @jupyterlab/notebook). */
  async function shared(name) {
    const versions = sharedScope && sharedScope[name];
    if (!versions) {
      throw new Error(`${NAME}: the application shares no ${name}`);
    }
    const newest = Object.keys(versions).sort(
      (a, b) => a.localeCompare(b, undefined, { numeric: true })
    ).pop();
    const factory = await versions[newest].get();
    return factory();
  }

  /** Replace the widget renderer's error line by a renderer of the rest of the bundle. */
  function renderFallback(renderer, model, rendermime) {
    const data = Object.assign({}, model.data);
    delete data[WIDGET_VIEW];
    const mimeType = rendermime.preferredMimeType(data, model.trusted ? 'any' : 'ensure');
    if (!mimeType) {
      return;
    }
    if (renderer.courseFallback) {
      renderer.courseFallback.dispose();
    }
    const fallback = rendermime.createRenderer(mimeType);
    renderer.courseFallback = fallback;
    renderer.node.textContent = '';
    renderer.removeClass('jupyter-widgets');
    renderer.addClass('course-widget-fallback');
    renderer.addWidget(fallback);
    void fallback.renderModel(model);
  }

  /** A widget renderer that falls back to the rest of the bundle when the model is gone.
   * The widget manager may only give up later, once it has restored the notebook's widgets,
   * so the renderer's node is watched rather than checked once. */
  function withFallback(renderer, rendermime) {
    const renderModel = renderer.renderModel.bind(renderer);
    let current = null;
    const check = () => {
      if (current && renderer.node.textContent === MODEL_NOT_FOUND) {
        renderFallback(renderer, current, rendermime);
      }
    };
    new MutationObserver(check).observe(renderer.node, { childList: true, characterData: true });
    renderer.renderModel = async (model) => {
      current = model;
      await renderModel(model);
      check();
    };
    return renderer;
  }

  function wrap(factory, rendermime) {
    if (factory.courseFallback) {
      return factory;
    }
    return Object.assign({}, factory, {
      courseFallback: true,
      createRenderer: (options) => withFallback(factory.createRenderer(options), rendermime),
    });
  }

  /** Wrap a notebook's widget-view renderer now and whenever the widget manager replaces it
   * (it does, once the notebook's kernel session is known). */
  function patch(rendermime) {
    if (rendermime.courseFallback) {
      return;
    }
    rendermime.courseFallback = true;
    const addFactory = rendermime.addFactory.bind(rendermime);
    rendermime.addFactory = (factory, rank) =>
      addFactory(factory.mimeTypes.includes(WIDGET_VIEW) ? wrap(factory, rendermime) : factory,
                 rank);
    const factory = rendermime.getFactory(WIDGET_VIEW);
    if (factory) {
      rendermime.addFactory(factory, rendermime.getRank(WIDGET_VIEW));
    }
  }

  async function extension() {
    const { INotebookTracker } = await shared('@jupyterlab/notebook');
    const plugin = {
      id: `${NAME}:plugin`,
      description: 'Shows the rest of a widget output when its model is gone.',
      autoStart: true,
      requires: [INotebookTracker],
      activate: (app, tracker) => {
        tracker.forEach((panel) => patch(panel.content.rendermime));
        tracker.widgetAdded.connect((_, panel) => patch(panel.content.rendermime));
      },
    };
    return { __esModule: true, default: [plugin] };
  }

  const modules = { './extension': extension };
  window._JUPYTERLAB = window._JUPYTERLAB || {};
  window._JUPYTERLAB[NAME] = {
    init: (scope) => {
      sharedScope = scope;
    },
    get: async (module) => {
      if (!(module in modules)) {
        throw new Error(`${NAME} has no module ${module}`);
      }
      const exported = await modules[module]();
      return () => exported;
    },
  };
})();
