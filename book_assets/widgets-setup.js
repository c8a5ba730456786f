// Loaded on pages with widgets, before the widget manager: the book's own bundle
// (widgets/book-widgets.js) offline, or require.js and embed-amd.js from a CDN when the book
// was built without Node.js (see tools/offline_assets.py). A plain (not deferred) script: it
// runs while the page is parsed, after Sphinx's MathJax configuration and before every
// deferred script (the theme's Font Awesome, the widget manager, MathJax).
(function () {
  "use strict";

  // 1. CDN fallback only: embed-amd.js loads its icon fonts (Font Awesome: the Play button)
  //    relative to the URL require.js gives its own module, by default a path next to the
  //    page, where they 404. Map that module to the CDN folder embed-amd.js comes from (the
  //    script tag's data-widgets-dist), where the fonts are. (require.js reads a global
  //    `require` object as its configuration when it loads.) Both bundles in embed-amd.js do
  //    this, each from its own module name. The book's own bundle needs no require.js: its
  //    stylesheet names its fonts itself.
  var dist = document.currentScript && document.currentScript.getAttribute("data-widgets-dist");
  if (dist) {
    window.require = {
      paths: {
        "@jupyter-widgets/html-manager/dist": dist.replace(/\/$/, ""), // dist/libembed-amd.js
        "@jupyter-widgets/html-manager": dist.replace(/\/?$/, "/html-manager"),
      },
    };
  }

  // 2. The theme's Font Awesome script replaces every <i class="fa ..."> in the page with an
  //    <svg>, including the Play button's icons, which the Play widget later looks up as <i>
  //    and then throws ("Cannot set properties of undefined"), stopping the linked figure.
  //    It must convert the page's own icons (the theme's buttons) but not the widgets', which
  //    are drawn with the widget manager's own fonts. Never watch for added nodes. With
  //    embed-amd.js (CDN fallback) the widgets come at window "load", after Font Awesome's
  //    first pass over the page. The book's bundle renders earlier, possibly before that pass
  //    (a timer Font Awesome sets when it runs), so there Font Awesome does no automatic pass
  //    and the bundle asks it to convert the page's icons just before adding the widgets.
  window.FontAwesomeConfig = Object.assign(window.FontAwesomeConfig || {}, {
    observeMutations: false,
  });
  if (!dist) window.FontAwesomeConfig.autoReplaceSvg = false;

  // 3. The widgets typeset their labels with the MathJax 2 call MathJax.Hub.Queue, which
  //    throws under MathJax 3. The book's bundle runs before MathJax (so the first figure does
  //    not wait for the page's math to be typeset); embed-amd.js renders at window "load".
  //    Until MathJax 3 has run, `window.MathJax` is the configuration object Sphinx wrote
  //    (MathJax keeps it as MathJax.config): a stand-in Hub there collects the elements to
  //    typeset. Once MathJax has run (it is a deferred script, so by DOMContentLoaded), the
  //    bridge chains each request on MathJax 3's own promise, the collected ones first.
  var pending = [];
  function typeset(mj, element) {
    mj.startup.promise = mj.startup.promise.then(function () {
      return mj.typesetPromise([element]);
    });
  }
  function bridgeMathJax() {
    var mj = window.MathJax;
    if (!mj || !mj.startup || !mj.startup.promise || mj.Hub) return;
    if (mj.config) delete mj.config.Hub;
    // job is ["Typeset", MathJax.Hub, element]
    mj.Hub = { Queue: function (job) { typeset(mj, job[2]); } };
    pending.splice(0).forEach(function (element) { typeset(mj, element); });
  }
  if (window.MathJax && !window.MathJax.startup && !window.MathJax.Hub) {
    window.MathJax.Hub = { Queue: function (job) { pending.push(job[2]); } };
  }
  document.addEventListener("DOMContentLoaded", bridgeMathJax);
  window.addEventListener("load", bridgeMathJax);

  // 4. The book's bundle only (it runs before MathJax): MathJax typesets the page once the
  //    first figure has been painted (the bundle calls mml4FirstFigure.done()), so the figure
  //    does not wait for the whole page's math. The text shows meanwhile; a page whose widgets
  //    fail to render still gets its math at window "load" at the latest.
  var config = window.MathJax;
  if (!dist && config && !config.startup) {
    var done;
    var shown = new Promise(function (resolve) { done = resolve; });
    window.mml4FirstFigure = { done: done };
    window.addEventListener("load", done);
    config.startup = {
      pageReady: function () {
        return shown.then(function () { return window.MathJax.startup.defaultPageReady(); });
      },
    };
  }
})();
