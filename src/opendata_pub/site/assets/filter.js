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

  function listOf(el, name) {
    try { return JSON.parse(el.getAttribute(name) || "[]"); } catch (e) { return []; }
  }

  function keywordsOf(el) { return listOf(el, "data-keywords"); }

  function matches(el, q, theme, keyword, publisher) {
    var themes = (el.getAttribute("data-themes") || "").split(" ");
    var keywords = keywordsOf(el);
    if (theme && themes.indexOf(theme) < 0) { return false; }
    if (keyword && keywords.indexOf(keyword) < 0) { return false; }
    if (publisher && el.getAttribute("data-publisher") !== publisher) { return false; }
    // the words a reader may search by: the visible text, the keywords and the tables' column titles
    var words = el.textContent + " " + keywords.join(" ") + " " + listOf(el, "data-columns").join(" ");
    if (q && norm(words).indexOf(q) < 0) { return false; }
    return true;
  }

  function kinds(list) {
    var packaged = list.filter(function (el) { return el.getAttribute("data-kind") === "package"; }).length;
    return "（パッケージ " + packaged + " 件・一覧のみ " + (list.length - packaged) + " 件）";
  }

  function apply() {
    var q = norm(controls.q.value).trim();
    var visible = [];
    items.forEach(function (el) {
      var ok = matches(el, q, controls.theme.value, controls.keyword.value, controls.publisher.value);
      el.hidden = !ok;
      if (ok) { visible.push(el); }
    });
    var shown = visible.length;
    // a group whose entries are all hidden says so instead of showing an empty list or table
    Array.prototype.forEach.call(document.querySelectorAll("[data-group]"), function (group) {
      var any = group.querySelector("[data-item]:not([hidden])") !== null;
      var empty = document.getElementById(group.getAttribute("data-group") + "-empty");
      group.hidden = !any;
      if (empty) { empty.hidden = any; }
    });
    var filtered = shown !== items.length;
    status.textContent = filtered
      ? "全 " + items.length + " 件のうち、条件に合う " + shown + " 件" + kinds(visible) + "を表示しています。"
      : "全 " + items.length + " 件" + kinds(items) + "を表示しています。";
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
