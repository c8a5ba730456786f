// Names the controls of live widget outputs for screen readers and shows keyboard focus, in a
// running kernel (JupyterLab, Binder, Colab, a downloaded notebook), where ipywidgets' own views
// draw the controls. mml4_lib.widgets.live_script sends this file as an application/javascript
// output next to every live explorer and playground, calling it with the text of
// widgets-a11y.css; the static book does the same in its widget bundle
// (tools/widgets/book-widgets.js) and never gets this script.
//
// ipywidgets 8.1 sets none of these names, and they cannot be set from Python:
//   * the Play widget's buttons hold only an icon: they are named after it ("Play", "Pause",
//     "Stop", "Repeat"), the name following the icon as play and pause toggle, the repeat
//     button saying whether it is on (aria-pressed), the icons hidden from screen readers;
//   * a slider's focusable handle (role=slider) is named by the slider's visible description
//     and announces the value as its readout shows it ("init scale: Xavier", not the index 8);
//   * a ToggleButtons group (an activation, a run) shows its choice by colour only: each button
//     says whether it is the chosen one (aria-pressed), the group is named by its description;
//   * our SelectionSliders' readouts, editable but never read (a dead Tab stop), become text;
//   * an image's tooltip (the explorers' text alternative, which ipywidgets puts in `title`)
//     becomes its `alt` too;
//   * an Accordion's header (the playground's "Beyond the Playground") opens on a click only:
//     it becomes a button that Tab reaches and Enter or Space opens, saying whether it is open;
//   * a widget with no tooltip gets the tooltip "null" from ipywidgets 8.1 (the toggle buttons,
//     every description label): a mouse shows it, a screen reader reads it as a description;
//     it is removed;
//   * JupyterLab's notebook shortcuts act on keys that reach the document in command mode
//     (ArrowDown selects the next cell, "a" inserts one): a key that a focused dropdown or slider
//     handle acts on (arrows, Home, End, Page Up/Down, a dropdown's type-ahead letters) stops
//     before it gets there, so the control changes instead of the notebook.
// A MutationObserver keeps the names in step as widgets render and as values change. One
// observer per page however many explorers display it. Nothing is loaded from anywhere.
// tests/test_browser_lab.py checks the result with axe-core in a live JupyterLab.
(function (css) {
  "use strict";
  const FLAG = "mml4LiveWidgets";
  if (window[FLAG]) return;
  window[FLAG] = true;

  const style = document.createElement("style");
  style.id = "mml4-live-widgets";
  style.textContent = css;
  document.head.appendChild(style);

  // Font Awesome icon class of a Play widget's button -> its name.
  const PLAY_NAMES = { "fa-play": "Play", "fa-pause": "Pause", "fa-stop": "Stop",
    "fa-retweet": "Repeat" };

  // Writes only on a change, so the observer does not wake itself up again.
  function set(el, attr, value) {
    if (value === null) {
      if (el.hasAttribute(attr)) el.removeAttribute(attr);
    } else if (el.getAttribute(attr) !== value) {
      el.setAttribute(attr, value);
    }
  }

  function namePlay(play) {
    for (const button of play.querySelectorAll(":scope > button")) {
      const icon = button.querySelector("i");
      if (!icon) continue;
      set(icon, "aria-hidden", "true");
      const key = Object.keys(PLAY_NAMES).find((k) => icon.classList.contains(k));
      if (!key) continue;
      set(button, "aria-label", PLAY_NAMES[key]);
      if (key === "fa-retweet") {
        set(button, "aria-pressed", String(button.classList.contains("mod-active")));
      }
    }
  }

  function nameSlider(slider) {
    const handle = slider.querySelector(".noUi-handle");
    if (!handle) return;
    const label = slider.querySelector(":scope > .widget-label");
    set(handle, "aria-label", (label && label.textContent.trim()) || null);
    // noUiSlider writes its own aria-valuetext (the index) on every move; the observer sees
    // that write and puts the readout's text back.
    const readout = slider.querySelector(".widget-readout");
    const shown = readout && readout.style.display !== "none" && readout.textContent.trim();
    if (shown) set(handle, "aria-valuetext", shown);
    // A SelectionSlider's readout is editable, but what is typed there is never read: a dead
    // Tab stop after the handle. Ours (mml4_lib.widgets.SELECTION_SLIDER_CLASS) become text.
    if (readout && slider.classList.contains("mml4-selection-slider")) {
      set(readout, "contenteditable", "false");
    }
  }

  function nameToggleButtons(el) {
    const group = el.querySelector(":scope > div:not(.widget-label)");
    if (!group) return;
    set(group, "role", "group");
    const label = el.querySelector(":scope > .widget-label");
    set(group, "aria-label", (label && label.textContent.trim()) || null);
    for (const b of group.querySelectorAll("button")) {
      set(b, "aria-pressed", String(b.classList.contains("mod-active")));
    }
  }

  function nameImage(img) {
    set(img, "alt", img.getAttribute("title") || null);
  }

  function nameCollapse(header) {
    set(header, "role", "button");
    set(header, "tabindex", "0");
    const open = header.parentElement.classList.contains("jupyter-widget-Collapse-open");
    set(header, "aria-expanded", String(open));
    const icon = header.querySelector("i");
    if (icon) set(icon, "aria-hidden", "true");
    if (header.dataset.mml4Keys) return;
    header.dataset.mml4Keys = "1";
    header.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      event.stopPropagation(); // a key that acts here is not also a notebook shortcut
      header.click();
    });
  }

  function nameAll() {
    document.querySelectorAll('.jupyter-widgets[title="null"], .jupyter-widgets [title="null"]')
      .forEach((el) => el.removeAttribute("title"));
    document.querySelectorAll(".jupyter-widget-Collapse-header").forEach(nameCollapse);
    document.querySelectorAll(".widget-play").forEach(namePlay);
    document.querySelectorAll(".widget-slider").forEach(nameSlider);
    document.querySelectorAll(".widget-toggle-buttons").forEach(nameToggleButtons);
    document.querySelectorAll("img.widget-image").forEach(nameImage);
  }

  // A change inside a widget, or a widget added to the page.
  function touchesWidgets(m) {
    const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
    if (el && el.closest(".jupyter-widgets")) return true;
    return Array.from(m.addedNodes || []).some((n) => n.nodeType === 1
      && (n.matches(".jupyter-widgets") || n.querySelector(".jupyter-widgets")));
  }

  const NAVIGATION = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End",
    "PageUp", "PageDown"]);
  // JupyterLab listens on the document, in the bubbling phase: the body comes first. The control
  // has handled the key by then (noUiSlider on the handle, the browser's default for a select).
  document.body.addEventListener("keydown", (event) => {
    const el = event.target;
    if (!(el instanceof Element) || !el.closest(".jupyter-widgets")) return;
    const select = el.tagName === "SELECT";
    if (!select && !el.classList.contains("noUi-handle")) return;
    const typeahead = select && event.key.length === 1 && !event.ctrlKey && !event.metaKey
      && !event.altKey;
    if (NAVIGATION.has(event.key) || typeahead) event.stopPropagation();
  });

  new MutationObserver((mutations) => {
    if (mutations.some(touchesWidgets)) nameAll();
  }).observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true,
    attributeFilter: ["class", "title", "aria-valuetext", "style", "contenteditable"],
  });
  nameAll();
})
