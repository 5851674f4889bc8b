// The query page of `ecograph serve` (inlined by ecograph.endpoint.pages.query_page, pinned by
// its hash in the page's Content-Security-Policy). It mounts the vendored editor
// (EcographEditor, assets/editor.js), runs queries on /sparql with fetch (a form-encoded POST),
// and shows the answers as text: every value from the server goes in by textContent, never
// as markup.
(function () {
  "use strict";
  var byId = function (id) { return document.getElementById(id); };
  var examples = JSON.parse(byId("examples").textContent);
  var ui = JSON.parse(byId("query-ui").textContent);
  var prefixes = ui.prefixes;
  var lang = "zh";
  var current = null; // the example last loaded, for the download names
  var result = null; // {kind, vars, rows, data, text, seconds}
  var page = 0;
  var pageRows = ui.pageRows;
  var running = null;
  var status = { key: null, values: null, error: false };

  // ------------------------------------------------------------------ strings and language

  function say(key, values) {
    return ui.strings[lang][key].replace(/\{(\w+)\}/g, function (_, name) {
      return String(values && name in values ? values[name] : "");
    });
  }

  function showStatus(key, values, error) {
    status = { key: key, values: values || {}, error: !!error };
    var node = byId("status");
    node.textContent = key ? say(key, status.values) : "";
    node.className = error ? "error" : "";
  }

  function setLang(next) {
    lang = next === "en" ? "en" : "zh";
    document.body.classList.toggle("lang-zh", lang === "zh");
    document.body.classList.toggle("lang-en", lang === "en");
    document.documentElement.lang = lang === "zh" ? "zh-Hans" : "en";
    document.title = ui.titles[lang];
    document.querySelectorAll("button.lang").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.lang === lang));
    });
    if (status.key) showStatus(status.key, status.values, status.error);
    if (result) render();
  }

  document.querySelectorAll("button.lang").forEach(function (button) {
    button.addEventListener("click", function () { setLang(button.dataset.lang); });
  });

  // ------------------------------------------------------------------ the editor

  var textarea = byId("query");
  var editor;
  if (window.EcographEditor) {
    var words = Object.keys(prefixes).sort().map(function (name) {
      return { label: name + ":", detail: prefixes[name], type: "namespace" };
    });
    editor = window.EcographEditor.create({
      parent: byId("editor"),
      doc: textarea.value,
      words: words,
      onRun: function () { run(); },
      label: "SPARQL",
    });
    document.body.classList.add("js");
    textarea.name = "";
  } else { // the editor failed to load: the plain text area still works
    editor = {
      get: function () { return textarea.value; },
      set: function (text) { textarea.value = text; },
      insertAtStart: function (text) { textarea.value = text + textarea.value; },
      focus: function () { textarea.focus(); },
    };
  }

  // ------------------------------------------------------------------ examples and prefixes

  function loadExample(name) {
    if (!(name in examples)) return;
    current = name;
    editor.set(examples[name]);
    document.querySelectorAll("button.example").forEach(function (button) {
      button.setAttribute("aria-current", String(button.dataset.example === name));
    });
  }

  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      loadExample(button.dataset.example);
      run();
    });
  });

  function declares(text, name) {
    var escaped = name.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
    return new RegExp("^\\s*PREFIX\\s+" + escaped + ":", "im").test(text);
  }

  function insertPrefixes(names) {
    var text = editor.get();
    var missing = names.filter(function (name) { return !declares(text, name); });
    if (missing.length) {
      editor.insertAtStart(missing.map(function (name) {
        return "PREFIX " + name + ": <" + prefixes[name] + ">\n";
      }).join(""));
    }
    if (names.length === 1) showStatus(missing.length ? "inserted" : "present", { p: names[0] });
  }

  document.querySelectorAll("button.insert-prefix").forEach(function (button) {
    button.addEventListener("click", function () { insertPrefixes([button.dataset.prefix]); });
  });
  byId("insert-all").addEventListener("click", function () {
    insertPrefixes(Array.prototype.map.call(
      document.querySelectorAll("button.insert-prefix"),
      function (button) { return button.dataset.prefix; }
    ));
  });

  // ------------------------------------------------------------------ running a query

  byId("query-form").addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });

  function run() {
    var text = editor.get();
    if (running) running.abort();
    var controller = new AbortController();
    running = controller;
    var started = performance.now();
    byId("run").disabled = true;
    showStatus("running");
    fetch("/sparql", {
      method: "POST",
      headers: { Accept: "application/sparql-results+json, text/turtle;q=0.9" },
      body: new URLSearchParams({ query: text }),
      credentials: "same-origin",
      cache: "no-store",
      signal: controller.signal,
    }).then(function (response) {
      return response.text().then(function (body) {
        var seconds = ((performance.now() - started) / 1000).toFixed(2);
        var type = (response.headers.get("Content-Type") || "").split(";")[0].trim();
        if (!response.ok) {
          result = null;
          showStatus("error", { code: response.status }, true);
          message(body, true);
          return;
        }
        if (type === "application/sparql-results+json") {
          var data = JSON.parse(body);
          if (typeof data.boolean === "boolean") {
            result = { kind: "ask", data: data, seconds: seconds };
            showStatus("ask", { v: say(data.boolean ? "yes" : "no") });
          } else {
            result = {
              kind: "select",
              data: data,
              vars: data.head.vars || [],
              rows: data.results.bindings || [],
              seconds: seconds,
            };
            showStatus("rows", { n: result.rows.length, s: seconds });
          }
        } else {
          result = { kind: "graph", text: body, seconds: seconds };
          showStatus("graph", { s: seconds });
        }
        page = 0;
        render();
      });
    }).catch(function (error) {
      if (error && error.name === "AbortError") return;
      result = null;
      showStatus("network", {}, true);
      message(String(error), true);
    }).then(function () {
      if (running === controller) {
        running = null;
        byId("run").disabled = false;
      }
    });
  }

  // ------------------------------------------------------------------ showing results

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function message(text, error) {
    var body = byId("result-body");
    clear(body);
    document.querySelector(".result-tools").hidden = true;
    body.appendChild(element("pre", error ? "message error" : "message", text));
  }

  var namespaces = Object.keys(prefixes).map(function (name) {
    return [name, prefixes[name]];
  }).sort(function (a, b) { return b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1); });

  function compact(iri) {
    for (var i = 0; i < namespaces.length; i++) {
      var ns = namespaces[i][1];
      var local = iri.slice(ns.length);
      if (iri.lastIndexOf(ns, 0) === 0 && /^[\w.-]*$/.test(local) && !/\.$/.test(local)) {
        return namespaces[i][0] + ":" + local;
      }
    }
    return "<" + iri + ">";
  }

  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = ["integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger"];

  function cell(term) {
    var td = element("td");
    if (!term) {
      td.appendChild(element("span", "unbound", ""));
      return td;
    }
    if (term.type === "uri") {
      td.appendChild(element("span", "iri", compact(term.value)));
      td.title = term.value;
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.appendChild(document.createTextNode(term.value));
      if (term["xml:lang"]) td.appendChild(element("span", "lang-tag", "@" + term["xml:lang"]));
      var type = term.datatype;
      if (type && NUMERIC.indexOf(type.slice(XSD.length)) >= 0 && type.lastIndexOf(XSD, 0) === 0) {
        td.className = "num";
      } else if (type && type !== XSD + "string" && !term["xml:lang"]) {
        td.appendChild(element("span", "datatype", "^^" + compact(type)));
      }
    }
    return td;
  }

  function render() {
    var body = byId("result-body");
    var tools = document.querySelector(".result-tools");
    clear(body);
    if (!result) return;
    tools.hidden = false;
    var tabular = result.kind === "select";
    document.querySelectorAll("button.download").forEach(function (button) {
      var format = button.dataset.format;
      button.hidden = result.kind === "graph" ? format !== "ttl" : format === "ttl" ||
        (result.kind === "ask" && format !== "json");
    });
    document.querySelector(".pager").hidden = !tabular;
    if (result.kind === "ask") {
      body.appendChild(element("pre", "message", say("ask", { v: say(result.data.boolean ? "yes" : "no") })));
      return;
    }
    if (result.kind === "graph") {
      body.appendChild(element("pre", "message", result.text));
      return;
    }
    var total = result.rows.length;
    var pages = Math.max(1, Math.ceil(total / pageRows));
    page = Math.min(Math.max(page, 0), pages - 1);
    var from = page * pageRows;
    var to = Math.min(total, from + pageRows);
    byId("page-info").textContent = total ? say("range", { a: from + 1, b: to, n: total }) : say("empty");
    byId("page-first").disabled = byId("page-prev").disabled = page === 0;
    byId("page-next").disabled = byId("page-last").disabled = page >= pages - 1;
    var table = element("table", "results");
    var head = table.appendChild(element("thead")).appendChild(element("tr"));
    result.vars.forEach(function (name) { head.appendChild(element("th", "", "?" + name)); });
    var rows = table.appendChild(element("tbody"));
    for (var i = from; i < to; i++) {
      var tr = rows.appendChild(element("tr"));
      var binding = result.rows[i];
      result.vars.forEach(function (name) { tr.appendChild(cell(binding[name])); });
    }
    body.appendChild(table);
  }

  function turn(to) {
    return function () {
      if (!result || result.kind !== "select") return;
      var pages = Math.max(1, Math.ceil(result.rows.length / pageRows));
      page = to(page, pages);
      render();
    };
  }
  byId("page-first").addEventListener("click", turn(function () { return 0; }));
  byId("page-prev").addEventListener("click", turn(function (p) { return p - 1; }));
  byId("page-next").addEventListener("click", turn(function (p) { return p + 1; }));
  byId("page-last").addEventListener("click", turn(function (p, n) { return n - 1; }));
  byId("page-size").addEventListener("change", function () {
    var first = page * pageRows;
    pageRows = parseInt(byId("page-size").value, 10) || ui.pageRows;
    page = Math.floor(first / pageRows);
    if (result) render();
  });

  // ------------------------------------------------------------------ downloads

  // the CSV a spreadsheet opens as text, as ecograph.safetext.csv_text(excel=True) writes it:
  // a cell that would start a formula gets a leading apostrophe (plain numbers stay numbers)
  var FORMULA_START = /^[=+\-@\t\r]/;
  var PLAIN_NUMBER = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

  function spreadsheetCell(text) {
    return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? "'" + text : text;
  }

  function csvField(text) {
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function csvLine(cells) {
    if (cells.length === 1 && cells[0] === "") return '""';
    return cells.map(function (text) { return csvField(spreadsheetCell(text)); }).join(",");
  }

  function plain(term) {
    if (!term) return "";
    return term.type === "bnode" ? "_:" + term.value : term.value;
  }

  function toCsv() {
    var lines = [csvLine(result.vars)];
    result.rows.forEach(function (binding) {
      lines.push(csvLine(result.vars.map(function (name) { return plain(binding[name]); })));
    });
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }

  // SPARQL 1.1 TSV: terms as in Turtle, so every cell starts with <, ", _ or a number
  function tsvTerm(term) {
    if (!term) return "";
    if (term.type === "uri") return "<" + term.value + ">";
    if (term.type === "bnode") return "_:" + term.value;
    var text = '"' + term.value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")
      .replace(/\r/g, "\\r").replace(/\t/g, "\\t") + '"';
    if (term["xml:lang"]) return text + "@" + term["xml:lang"];
    if (term.datatype && term.datatype !== XSD + "string") return text + "^^<" + term.datatype + ">";
    return text;
  }

  function toTsv() {
    var lines = [result.vars.map(function (name) { return "?" + name; }).join("\t")];
    result.rows.forEach(function (binding) {
      lines.push(result.vars.map(function (name) { return tsvTerm(binding[name]); }).join("\t"));
    });
    return lines.join("\n") + "\n";
  }

  var MEDIA = {
    csv: "text/csv;charset=utf-8",
    tsv: "text/tab-separated-values;charset=utf-8",
    json: "application/sparql-results+json;charset=utf-8",
    ttl: "text/turtle;charset=utf-8",
  };

  function download(format) {
    if (!result) return;
    var text = format === "csv" ? toCsv() : format === "tsv" ? toTsv() :
      format === "json" ? JSON.stringify(result.data, null, 2) + "\n" : result.text;
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: MEDIA[format] }));
    link.download = (current || "query") + "." + format;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
  }

  document.querySelectorAll("button.download").forEach(function (button) {
    button.addEventListener("click", function () { download(button.dataset.format); });
  });

  // ------------------------------------------------------------------ start

  if (ui.first && examples[ui.first] === editor.get()) loadExample(ui.first);
  window.ecographQuery = { editor: editor, run: run, setLang: setLang, ready: true };
})();
