/* mille charts: draw every figure of class "chart" from the Vega-Lite spec inside it.
 *
 * Each figure holds its spec in a JSON script element and an empty element of class
 * "chart-canvas". The page's locale (numbers, currency, month names) is in the JSON script
 * element with id "mille-locale". Charts render as SVG with the bundled
 * Vega, Vega-Lite and vega-embed: nothing is fetched from a network. When a chart is drawn its
 * figure gets data-rendered="true"; when every chart is done the body element gets
 * data-charts="<count drawn>" so that tests and screenshots know the page is complete.
 */
(function () {
  "use strict";

  function readJSON(node) {
    return node ? JSON.parse(node.textContent) : null;
  }

  function drawOne(figure, locale) {
    var canvas = figure.querySelector(".chart-canvas");
    var spec = readJSON(figure.querySelector('script[type="application/json"]'));
    /* ast: expressions run in Vega's interpreter, not through eval, so the dashboard's
       Content-Security-Policy can forbid eval. */
    var options = { renderer: "svg", actions: false, ast: true, tooltip: { theme: "light" } };
    if (locale) {
      options.formatLocale = locale.number;
      options.timeFormatLocale = locale.time;
    }
    return vegaEmbed(canvas, spec, options).then(
      function (result) {
        figure.setAttribute("data-rendered", "true");
        return result;
      },
      function (error) {
        figure.setAttribute("data-chart-error", String(error && error.message || error));
        canvas.textContent = "This chart could not be drawn: " + (error && error.message || error) +
          ". The table below holds the same figures.";
        canvas.className += " chart-error";
        console.error("mille chart:", error);
        return null;
      }
    );
  }

  function drawAll() {
    var figures = Array.prototype.slice.call(document.querySelectorAll("figure.chart"));
    if (typeof vegaEmbed !== "function") {
      document.body.setAttribute("data-charts", "unavailable");
      console.error("mille chart: the chart library did not load");
      return;
    }
    var locale = readJSON(document.getElementById("mille-locale"));
    Promise.all(figures.map(function (f) { return drawOne(f, locale); })).then(function (results) {
      var drawn = results.filter(function (r) { return r !== null; }).length;
      document.body.setAttribute("data-charts", String(drawn));
    });
  }

  /* Forms marked data-autosubmit reload the page when a select changes: the page works
     without JavaScript (press the button), and quicker with it. */
  function autosubmit() {
    var forms = document.querySelectorAll("form[data-autosubmit]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("change", function (event) {
        if (event.target && event.target.tagName === "SELECT") {
          form.requestSubmit ? form.requestSubmit() : form.submit();
        }
      });
    });
  }

  function start() {
    drawAll();
    autosubmit();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
