// The site's search worker: Material's own worker, given the cases from a compact file.
//
// Material's script fetches search/search_index.json whole and posts it to its worker.
// Written in Material's format, 100,000 cases made that file 14.8 MB; the site therefore
// keeps its written pages and brands there and every case in search/cases.json, about
// 90 bytes a case: [id, title, index of the case's brand names]. This worker loads
// Material's (named in its own URL: ?material=search.<hash>.min.js, in this folder, so
// that Material's language files resolve as they would for it), and adds the cases to
// Material's "set up" message before Material's worker sees it. The page's theme config
// points here (theme/main.html). No dependencies.
"use strict";

(function () {
  var SETUP = 0; // Material's message type for "here is the index"
  var name = new URL(self.location.href).searchParams.get("material") || "";
  if (!/^search\.[0-9a-f]+\.min\.js$/.test(name)) {
    throw new Error("unkept-search: no Material search worker named in ?material=");
  }

  // Material registers one "message" listener when its script runs: keep it, to call it
  // with the message this worker prepares.
  var listeners = [];
  self.addEventListener = function (type, listener, options) {
    if (type === "message") listeners.push(listener);
    else EventTarget.prototype.addEventListener.call(self, type, listener, options);
  };
  importScripts(name);
  delete self.addEventListener;

  function withCases(index) {
    return fetch(new URL("../../../search/cases.json", self.location.href))
      .then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + response.statusText);
        return response.json();
      })
      .then(function (compact) {
        var cases = compact.cases.map(function (row) {
          return { location: "cases/" + row[0] + "/", title: row[1], text: compact.names[row[2]] };
        });
        return Object.assign({}, index, { docs: index.docs.concat(cases) });
      })
      .catch(function (error) {
        // Search still finds the written pages and the brands.
        console.warn("unkept-search: cases not loaded: " + error);
        return index;
      });
  }

  // Messages are handed on in the order they came, each once the one before is prepared.
  var ready = Promise.resolve();
  EventTarget.prototype.addEventListener.call(self, "message", function (event) {
    var message = event.data;
    ready = ready
      .then(function () {
        if (!message || message.type !== SETUP) return message;
        return withCases(message.data).then(function (index) {
          return { type: SETUP, data: index };
        });
      })
      .then(function (prepared) {
        listeners.forEach(function (listener) {
          listener({ data: prepared });
        });
      });
  });
})();
