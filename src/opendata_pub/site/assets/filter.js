/* opendata-pub static catalog: filter the dataset list in the browser (no server).
   Progressive enhancement: the whole list is in the HTML; without JavaScript the form stays hidden
   and every dataset is shown. A filtered view can be linked: index.html?theme=HEAL&keyword=AED. */
(function () {
  "use strict";
  var form = document.getElementById("filter");
  if (!form || !document.querySelectorAll) { return; }
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-item]"));
  var status = document.getElementById("filter-status");
  var controls = {
    q: document.getElementById("filter-text"),
    theme: document.getElementById("filter-theme"),
    keyword: document.getElementById("filter-keyword"),
    publisher: document.getElementById("filter-publisher")
  };

  function norm(text) {
    text = text || "";
    return (text.normalize ? text.normalize("NFKC") : text).toLowerCase();
  }

  function keywordsOf(el) {
    try { return JSON.parse(el.getAttribute("data-keywords") || "[]"); } catch (e) { return []; }
  }

  function matches(el, q, theme, keyword, publisher) {
    var themes = (el.getAttribute("data-themes") || "").split(" ");
    var keywords = keywordsOf(el);
    if (theme && themes.indexOf(theme) < 0) { return false; }
    if (keyword && keywords.indexOf(keyword) < 0) { return false; }
    if (publisher && el.getAttribute("data-publisher") !== publisher) { return false; }
    if (q && norm(el.textContent + " " + keywords.join(" ")).indexOf(q) < 0) { return false; }
    return true;
  }

  function apply() {
    var q = norm(controls.q.value).trim();
    var shown = 0;
    items.forEach(function (el) {
      var ok = matches(el, q, controls.theme.value, controls.keyword.value, controls.publisher.value);
      el.hidden = !ok;
      if (ok) { shown += 1; }
    });
    // a group whose entries are all hidden says so instead of showing an empty list or table
    Array.prototype.forEach.call(document.querySelectorAll("[data-group]"), function (group) {
      var any = group.querySelector("[data-item]:not([hidden])") !== null;
      var empty = document.getElementById(group.getAttribute("data-group") + "-empty");
      group.hidden = !any;
      if (empty) { empty.hidden = any; }
    });
    var filtered = shown !== items.length;
    status.textContent = filtered
      ? "全 " + items.length + " 件のうち、条件に合う " + shown + " 件を表示しています。"
      : "全 " + items.length + " 件を表示しています。";
  }

  function fromQuery() {
    var search = window.location.search.replace(/^\?/, "");
    if (!search) { return; }
    search.split("&").forEach(function (pair) {
      var parts = pair.split("=");
      var key = decodeURIComponent(parts[0] || "");
      var value = decodeURIComponent((parts[1] || "").replace(/\+/g, " "));
      var control = controls[key];
      if (!control) { return; }
      if (control.tagName === "SELECT") {
        for (var i = 0; i < control.options.length; i += 1) {
          if (control.options[i].value === value) { control.value = value; }
        }
      } else {
        control.value = value;
      }
    });
  }

  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  fromQuery();
  apply();
}());
