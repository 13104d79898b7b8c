/* Site search on the search page: Pagefind's index, served by the site itself. No inline script. */
(function () {
  "use strict";
  var script = document.currentScript;
  // The index comes in shards (a year of bulletins, the units): the first bundle is imported, the others merged.
  var bundles = ((script && (script.getAttribute("data-bundles") || script.getAttribute("data-bundle"))) || "")
    .split(/\s+/).filter(Boolean);
  var bundle = bundles[0];
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var filterBox = document.getElementById("search-filters");
  if (!bundle || !input || !list) return;
  var notice = document.getElementById("search-needs-script");
  if (notice) notice.hidden = true;
  var params = new URLSearchParams(window.location.search);
  var query = (params.get("q") || "").trim();
  var chosen = { unit: params.get("unit") || "", year: params.get("year") || "" };
  input.value = query;

  function text(tag, value, className) {
    var element = document.createElement(tag);
    element.textContent = value;
    if (className) element.className = className;
    return element;
  }

  // The excerpt is Pagefind's text with <mark> around the matches: keep the text and the marks only.
  function excerpt(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var out = document.createElement("p");
    out.className = "summary";
    template.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") out.appendChild(text("mark", node.textContent));
      else out.appendChild(document.createTextNode(node.textContent));
    });
    return out;
  }

  function filterSelect(name, label, values) {
    var wrap = document.createElement("label");
    wrap.appendChild(document.createTextNode(label + " "));
    var select = document.createElement("select");
    select.name = name;
    select.appendChild(text("option", filterBox.getAttribute("data-all") || "全部"));
    select.firstChild.value = "";
    Object.keys(values).sort().forEach(function (value) {
      var option = text("option", value + "（" + values[value] + "）");
      option.value = value;
      if (value === chosen[name]) option.selected = true;
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      chosen[name] = select.value;
      var next = new URLSearchParams();
      next.set("q", input.value.trim());
      if (chosen.unit) next.set("unit", chosen.unit);
      if (chosen.year) next.set("year", chosen.year);
      window.location.search = next.toString();
    });
    wrap.appendChild(select);
    return wrap;
  }

  async function run() {
    var pagefind = await import(bundle + "pagefind.js");
    // The records' URLs carry the site's base path already: Pagefind must not add it again.
    await pagefind.options({ excerptLength: 40, baseUrl: "/" });
    for (var i = 1; i < bundles.length; i++) await pagefind.mergeIndex(bundles[i], { baseUrl: "/" });
    var filters = await pagefind.filters();
    ["unit", "year"].forEach(function (name) {
      if (filters[name] && Object.keys(filters[name]).length) {
        filterBox.appendChild(filterSelect(name, filterBox.getAttribute("data-" + name) || name, filters[name]));
        filterBox.hidden = false;
      }
    });
    if (!query) { status.textContent = "请输入要搜索的词语。"; return; }
    status.textContent = "正在搜索……";
    var active = {};
    Object.keys(chosen).forEach(function (name) { if (chosen[name]) active[name] = chosen[name]; });
    var search = await pagefind.search(query, { filters: active });
    var results = await Promise.all(search.results.slice(0, 30).map(function (r) { return r.data(); }));
    status.textContent = search.results.length ? "找到 " + search.results.length + " 条结果" +
      (search.results.length > 30 ? "，显示前 30 条" : "") + "。" : "没有找到与“" + query + "”相关的内容。";
    results.forEach(function (data) {
      var item = document.createElement("li");
      var heading = document.createElement("h2");
      var link = text("a", data.meta.title || data.url);
      link.href = data.url;
      heading.appendChild(link);
      item.appendChild(heading);
      var meta = [data.meta.unit, data.meta.date].filter(Boolean).join(" · ");
      if (meta) item.appendChild(text("p", meta, "meta"));
      item.appendChild(excerpt(data.excerpt));
      list.appendChild(item);
    });
  }

  run().catch(function () {
    status.textContent = "搜索暂时不可用：搜索索引未能加载。";
  });
})();
