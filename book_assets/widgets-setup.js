// Loaded on pages with widgets, before require.js and embed-amd.js (see tools/vendor_assets.py).
(function () {
  "use strict";
  var here = new URL("./", document.currentScript.src).href; // .../_static/widgets/

  // 1. The widget manager loads its icon fonts (Font Awesome: the Play button) relative to the
  //    URL require.js gives its own module, by default a path next to the page, where they 404.
  //    Map that module to this folder, where tools/vendor_assets.py put the fonts. (require.js
  //    reads a global `require` object as its configuration when it loads.)
  //    Both bundles in embed-amd.js do this, each from its own module name.
  window.require = {
    paths: {
      "@jupyter-widgets/html-manager/dist": here.slice(0, -1), // -> .../widgets/libembed-amd.js
      "@jupyter-widgets/html-manager": here + "html-manager", // -> .../widgets/html-manager.js
    },
  };

  // 2. The theme's Font Awesome script replaces every <i class="fa ..."> added to the page with
  //    an <svg>, including the Play button's icons, which the Play widget later looks up as <i>
  //    and then throws ("Cannot set properties of undefined"), stopping the linked figure.
  //    Icons in the page itself are converted when it loads; widgets, added later, keep their
  //    <i> icons (drawn with the widget manager's own fonts, see 1).
  window.FontAwesomeConfig = Object.assign(window.FontAwesomeConfig || {}, {
    observeMutations: false,
  });

  // 3. embed-amd.js typesets widget labels with the MathJax 2 call MathJax.Hub.Queue, which
  //    throws under MathJax 3. Widgets render on the window "load" event; this listener is
  //    registered first, so the bridge to MathJax 3 is in place by then.
  window.addEventListener("load", function () {
    var mj = window.MathJax;
    if (!mj || mj.Hub || !mj.typesetPromise) return;
    mj.Hub = {
      Queue: function (job) {
        // job is ["Typeset", MathJax.Hub, element]; chain on MathJax's own promise.
        mj.startup.promise = mj.startup.promise.then(function () {
          return mj.typesetPromise([job[2]]);
        });
      },
    };
  });
})();
