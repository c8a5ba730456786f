// The book's widget manager: renders the widget state that myst-nb saves into each page, with
// only the widget models the book uses. tools/vendor_assets.py bundles this file with esbuild
// (pinned in package.json) into book_assets/vendor/widgets/book-widgets.{js,css}.
//
// Why not @jupyter-widgets/html-manager's own bundles: embed-amd.js (4.4 MB) and embed.js
// (3.2 MB) hold every standard widget, the Output widget with JupyterLab's rendermime, and a
// JSON-schema validator; its HTMLManager imports all of them, so a bundler cannot leave them
// out. This file does what html-manager's HTMLManager and renderWidgets (lib/htmlmanager.js,
// lib/libembed.js) do, on the same ManagerBase from @jupyter-widgets/base-manager, with the
// same styles, and two differences:
//   1. it renders when the page's HTML is parsed (DOMContentLoaded), not at window "load",
//      which waits for every image and font of the page;
//   2. it renders the explorers one after the other in page order, each as soon as the models
//      it needs exist, letting the browser paint in between: the first figure shows without
//      waiting for the models of the explorers further down, and MathJax (which runs after
//      this script, see book_assets/widgets-setup.js) typesets once it is painted.
// tests/test_book_config.py checks that every model and view saved in the built pages is
// exported here (MODULES below).

// The styles html-manager's libembed.js loads (Font Awesome 5 with its v4 names: the Play
// widget's icons; lumino; the controls; JupyterLab's colour variables, which the book's pages
// do not define).
import "@fortawesome/fontawesome-free/css/all.min.css";
import "@fortawesome/fontawesome-free/css/v4-shims.min.css";
import "@lumino/widgets/style/index.css";
import "@jupyter-widgets/controls/css/widgets-base.css";
import "@jupyter-widgets/controls/css/labvariables.css";
// The book's additions: visible keyboard focus on the controls (shared with live kernels).
import "../../mml4_lib/assets/widgets-a11y.css";

import * as base from "@jupyter-widgets/base";
import { ManagerBase } from "@jupyter-widgets/base-manager";
import { MessageLoop } from "@lumino/messaging";
import { Widget } from "@lumino/widgets";

// The controls the book uses, by the files of @jupyter-widgets/controls that define them:
// boxes (Box, HBox, VBox, GridBox), Stack (with Tab, Accordion), Image, the int and float
// sliders and Play, the selection widgets (SelectionSlider, ToggleButtons, Dropdown, ...),
// HTML and Label, buttons and toggles, jslink/jsdlink, and the style models they share.
import * as box from "@jupyter-widgets/controls/lib/widget_box";
import * as selectioncontainer from "@jupyter-widgets/controls/lib/widget_selectioncontainer";
import * as image from "@jupyter-widgets/controls/lib/widget_image";
import * as int from "@jupyter-widgets/controls/lib/widget_int";
import * as float from "@jupyter-widgets/controls/lib/widget_float";
import * as selection from "@jupyter-widgets/controls/lib/widget_selection";
import * as string from "@jupyter-widgets/controls/lib/widget_string";
import * as button from "@jupyter-widgets/controls/lib/widget_button";
import * as bool from "@jupyter-widgets/controls/lib/widget_bool";
import * as link from "@jupyter-widgets/controls/lib/widget_link";
import * as description from "@jupyter-widgets/controls/lib/widget_description";

// ----------------------------------------------------------------------------- accessibility
// The controls' views, with the names a screen reader announces (ipywidgets sets none of these
// from Python; live JupyterLab uses its own views, not these). Registered below under the
// original view names, so the state myst-nb saves into the pages uses them unchanged.
// tests/test_browser_a11y.py runs axe-core over every page and drives an explorer by keyboard.

// ipywidgets 8.1's DescriptionView writes `label.title = tooltip` even when a control has no
// tooltip, and the DOM turns that null into the text "null": every description label got the
// tooltip "null", which a mouse shows and a screen reader reads as the control's description.
// (The live script, mml4_lib/assets/live-widgets.js, removes it in a kernel.)
description.DescriptionView.prototype.updateTooltip = function updateTooltip() {
  if (!this.label) return;
  const tooltip = this.model.get("tooltip");
  if (tooltip) this.label.title = tooltip;
  else this.label.removeAttribute("title");
};

// An Image's text alternative is its tooltip (the explorers compute it from the numbers each
// frame draws): `alt` for screen readers, `title` (as before) for the mouse.
class ImageView extends image.ImageView {
  updateTooltip() {
    const tooltip = this.model.get("tooltip");
    if (tooltip) {
      this.el.setAttribute("title", tooltip);
      this.el.setAttribute("alt", tooltip);
    } else {
      // The base view reads the `description` an Image does not have; no alt is better than
      // alt="" (which would tell a screen reader the picture is decoration).
      this.el.removeAttribute("title");
      this.el.removeAttribute("alt");
    }
  }
}

// The Play widget's icon-only buttons get names; the play/pause name follows the state, the
// repeat toggle says whether it is on. The icons themselves are hidden from screen readers.
class PlayView extends int.PlayView {
  render() {
    super.render();
    this.stopButton.setAttribute("aria-label", "Stop");
    this.repeatButton.setAttribute("aria-label", "Repeat");
    for (const icon of this.el.querySelectorAll("i")) icon.setAttribute("aria-hidden", "true");
    this.updatePlaying();
    this.updateRepeat();
  }

  updatePlaying() {
    super.updatePlaying();
    this.playPauseButton.setAttribute("aria-label", this.model.get("playing") ? "Pause" : "Play");
  }

  updateRepeat() {
    super.updateRepeat();
    this.repeatButton.setAttribute("aria-pressed", String(!!this.model.get("repeat")));
  }
}

// A slider's handle (the focusable element, role=slider) is named by the control's
// description and announces the value as the readout shows it ("init scale: Xavier", not the
// index 8). noUiSlider writes its own aria-valuetext on every "update" event, and re-registers
// that listener whenever its options change (updateSliderOptions), so ours is registered again
// after it each time, to run last.
function nameSliderHandle(view, valueText) {
  const slider = view.$slider.noUiSlider;
  const handle = view.$slider.querySelector(".noUi-handle");
  if (!slider || !handle) return;
  const description = view.model.get("description");
  if (description) handle.setAttribute("aria-label", description);
  else handle.removeAttribute("aria-label");
  const setText = () => handle.setAttribute("aria-valuetext", valueText(slider.get()));
  slider.off("update.mml4");
  slider.on("update.mml4", setText);
  setText();
}

// The slider views, each with the text its readout shows for a value.
function namedSlider(View, valueText) {
  return class extends View {
    render() {
      super.render();
      this.listenTo(this.model, "change:description", () => nameSliderHandle(this, valueText(this)));
    }

    createSlider() {
      super.createSlider();
      nameSliderHandle(this, valueText(this));
    }

    updateSliderOptions(e) {
      super.updateSliderOptions(e);
      nameSliderHandle(this, valueText(this));
    }
  };
}

// ipywidgets 8.1 makes a SelectionSlider's readout contenteditable, but nothing reads what is
// typed into it (unlike the int and float sliders' readouts): it was a Tab stop after every
// handle where typing changed the value shown and not the slider or the picture. The handle's
// arrow keys choose the value; the readout is text.
class SelectionSliderView extends namedSlider(selection.SelectionSliderView,
  (view) => (index) => String(view.model.get("_options_labels")[Math.round(index)] ?? index)) {
  update(options) {
    super.update(options);
    this.readout.contentEditable = "false";
  }
}
// A ToggleButtons group (an explorer's activation, a playground's run) shows its choice by
// colour only: each button says whether it is the chosen one (aria-pressed), and the group is
// named by the control's description.
class ToggleButtonsView extends selection.ToggleButtonsView {
  update(options) {
    const result = super.update(options);
    this.buttongroup.setAttribute("role", "group");
    const description = this.model.get("description");
    if (description) this.buttongroup.setAttribute("aria-label", description);
    else this.buttongroup.removeAttribute("aria-label");
    for (const b of this.buttongroup.querySelectorAll("button")) {
      b.setAttribute("aria-pressed", String(b.classList.contains("mod-active")));
    }
    return result;
  }
}

const IntSliderView = namedSlider(int.IntSliderView,
  (view) => (value) => view.valueToString(Number(value)));
const FloatSliderView = namedSlider(float.FloatSliderView,
  (view) => (value) => view.valueToString(Number(value)));

const MODULES = {
  "@jupyter-widgets/base": base,
  "@jupyter-widgets/controls": Object.assign({}, box, selectioncontainer, image, int, float,
    selection, string, button, bool, link, description,
    { ImageView, PlayView, SelectionSliderView, ToggleButtonsView, IntSliderView,
      FloatSliderView }),
};

class BookWidgetManager extends ManagerBase {
  constructor() {
    super();
    this._views = new Set();
    window.addEventListener("resize", () => {
      this._views.forEach((view) => {
        MessageLoop.postMessage(view.luminoWidget, Widget.ResizeMessage.UnknownSize);
      });
    });
  }

  async display_view(view, el) {
    let v;
    try {
      v = await view;
    } catch (error) {
      const msg = `Could not create a view for ${view}`;
      console.error(msg);
      const ErrorModel = base.createErrorWidgetModel(error, msg);
      v = new base.ErrorWidgetView({ model: new ErrorModel() });
      v.render();
    }
    Widget.attach(v.luminoWidget, el);
    this._views.add(v);
    v.once("remove", () => this._views.delete(v));
  }

  loadClass(className, moduleName, moduleVersion) {
    const module = MODULES[moduleName];
    if (module && module[className]) {
      return Promise.resolve(module[className]);
    }
    return Promise.reject(new Error(
      `${moduleName}@${moduleVersion} ${className} is not in the book's widget bundle ` +
      "(add it to tools/widgets/book-widgets.js)"));
  }

  _get_comm_info() {
    return Promise.resolve({});
  }

  _create_comm() {
    return Promise.resolve({ on_close() {}, on_msg() {}, close() {} });
  }
}

const STATE = 'script[type="application/vnd.jupyter.widget-state+json"]';
const VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';
const PREFIX = "IPY_MODEL_";

// Ids of the models a model's state refers to ("IPY_MODEL_<id>" anywhere in it).
function references(value, out) {
  if (typeof value === "string") {
    if (value.startsWith(PREFIX)) out.push(value.slice(PREFIX.length));
  } else if (Array.isArray(value)) {
    value.forEach((v) => references(v, out));
  } else if (value && typeof value === "object") {
    Object.values(value).forEach((v) => references(v, out));
  }
  return out;
}

// The models one view needs: those its model refers to, recursively, and the models nobody
// refers to that refer to them (the jslinks between its controls and its stacks).
function needed(rootId, refs, unreferenced, done) {
  const ids = new Set();
  const visit = (id) => {
    if (ids.has(id) || done.has(id) || !(id in refs)) return;
    ids.add(id);
    refs[id].forEach(visit);
  };
  visit(rootId);
  let grew = true;
  while (grew) {
    grew = false;
    for (const id of unreferenced) {
      if (!ids.has(id) && !done.has(id) && refs[id].some((r) => ids.has(r))) {
        visit(id);
        grew = true;
      }
    }
  }
  return ids;
}

// Resolves after the browser has painted a frame (a timer queued from an animation frame).
const painted = () => new Promise((resolve) => {
  requestAnimationFrame(() => setTimeout(resolve, 0));
});

// widgets-setup.js lets MathJax typeset the page only after the first figure is painted.
function firstFigureDone() {
  if (window.mml4FirstFigure) window.mml4FirstFigure.done();
}

async function renderPage() {
  const stateTag = document.querySelector(STATE);
  if (!stateTag) return;
  const saved = JSON.parse(stateTag.textContent);
  const models = saved.state;
  const refs = {};
  const referenced = new Set();
  for (const id of Object.keys(models)) {
    refs[id] = references(models[id].state, []);
    refs[id].forEach((r) => referenced.add(r));
  }
  const unreferenced = Object.keys(models).filter((id) => !referenced.has(id));
  const manager = new BookWidgetManager();
  const done = new Set();
  const load = async (ids) => {
    if (!ids.size) return;
    const part = {};
    ids.forEach((id) => { part[id] = models[id]; done.add(id); });
    await manager.set_state(Object.assign({}, saved, { state: part }));
  };
  for (const tag of document.querySelectorAll(VIEW)) {
    if (!tag.parentElement) continue;
    const modelId = JSON.parse(tag.textContent).model_id;
    if (!(modelId in models)) continue;
    await load(needed(modelId, refs, unreferenced, done));
    const area = document.createElement("div");
    area.className = "widget-subarea";
    tag.parentElement.insertBefore(area, tag);
    const model = await manager.get_model(modelId);
    await manager.display_view(manager.create_view(model), area);
    // Let the browser show this figure before building the next one.
    await Promise.all(Array.from(area.querySelectorAll("img"), (img) => img.decode()
      .catch(() => null)));
    await painted();
    firstFigureDone();
  }
  firstFigureDone();
  // Models no view shows (none in the book today) still get created, as html-manager does.
  await load(new Set(Object.keys(models).filter((id) => !done.has(id))));
}

// The theme's Font Awesome converts the page's <i> icons to <svg> only when asked (see
// book_assets/widgets-setup.js): ask now, before the widgets add theirs, which must stay <i>.
// It collects the icons to convert when called and converts them in an animation frame.
function convertPageIcons() {
  const fa = window.FontAwesome;
  if (fa && fa.dom && fa.dom.i2svg) fa.dom.i2svg().catch(() => null);
}

if (!window._jupyter_widget_embedder) {
  window._jupyter_widget_embedder = true; // the flag html-manager's embed scripts set
  const start = () => (convertPageIcons(), renderPage()).catch((error) => {
    console.error("book widgets:", error);
    firstFigureDone();
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}
