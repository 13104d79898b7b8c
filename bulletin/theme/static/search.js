/* Site search on the search page: Pagefind's index, served by the site itself. No inline script.
 *
 * The index holds one record per bulletin, its title and text written as tokens: each ideograph
 * alone, each run of ASCII letters and digits whole, punctuation glued to the token before it.
 * A query is split into terms at spaces; each term is looked up as a phrase of its tokens (or, when
 * punctuation stands inside it, as all of its tokens), the pages found for every term are kept, and
 * a page is shown only if its text really contains every term as written: Pagefind finds the
 * candidates, this script checks them. The excerpt is cut from the record's own text around the
 * first match, and every piece of index text reaches the page as text (textContent), never as HTML.
 *
 * The mirror serves a copy of this file with its messages in traditional characters: keep every
 * message a literal string here, and no Chinese character in the code itself.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  // The mirror's page (lang zh-Hant) searches the bundles of the traditional twins.
  var mirrored = /^zh-hant/i.test(document.documentElement.lang || "");
  var bundles = ((script && ((mirrored && script.getAttribute("data-mirror-bundles")) ||
    script.getAttribute("data-bundles") || script.getAttribute("data-bundle"))) || "")
    .split(/\s+/).filter(Boolean);
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var filterBox = document.getElementById("search-filters");
  var more = document.getElementById("search-more");
  if (!input || !list || !status) return;
  var notice = document.getElementById("search-needs-script");
  if (notice) notice.hidden = true;
  var params = new URLSearchParams(window.location.search);
  var query = (params.get("q") || "").trim();
  var chosen = { unit: params.get("unit") || "", year: params.get("year") || "" };
  input.value = query;
  keepQueryOnSwitch();

  var PAGE = 30; // results shown at a time
  var BATCH = 30; // records fetched at once to be checked
  var CHECK_AHEAD = 300; // candidates checked without being asked, for a true count
  var EXCERPT = 80; // characters of an excerpt
  var WORD = /[\p{L}\p{N}]/u;
  var TOKEN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3ffff}]|[A-Za-z0-9]+/gu;
  var ALNUM = /[A-Za-z0-9]/;

  // The 简/繁 switch leads to the same search in the other script.
  function keepQueryOnSwitch() {
    if (!window.location.search) return;
    document.querySelectorAll("a.variant-switch").forEach(function (link) {
      var href = link.getAttribute("href");
      if (href && href.indexOf("?") < 0) link.setAttribute("href", href + window.location.search);
    });
  }

  function text(tag, value, className) {
    var element = document.createElement(tag);
    element.textContent = value;
    if (className) element.className = className;
    return element;
  }

  // A query's terms: the parts between spaces that hold a letter, a digit or an ideograph.
  function termsOf(q) {
    return q.split(/\s+/).filter(function (term) { return WORD.test(term); });
  }

  // What Pagefind is asked for one term: its tokens as a quoted phrase, or, when punctuation stands
  // between them (166.3亿元), the tokens unquoted (pages holding all of them; the check does the rest).
  function lookupOf(term) {
    var tokens = [];
    var inner = false;
    var end = -1;
    var match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(term)) !== null) {
      if (end >= 0 && match.index > end) inner = true;
      tokens.push(match[0]);
      end = match.index + match[0].length;
    }
    if (!tokens.length) return term;
    return inner ? tokens.join(" ") : "\"" + tokens.join(" ") + "\"";
  }

  // Text as a reader sees it: the index's token spaces removed, a space kept only between two ASCII
  // letters or digits (so "800 余 人 次" reads 800余人次 and "COVID 19" keeps its space).
  function plain(value) {
    return value.replace(/\s+/g, function (space, at, whole) {
      var before = whole.charAt(at - 1);
      var after = whole.charAt(at + space.length);
      return ALNUM.test(before) && ALNUM.test(after) ? " " : "";
    }).trim();
  }

  // Lower case that keeps every character's length, so positions found in it hold in the original.
  function folded(value) {
    var out = "";
    for (var i = 0; i < value.length; i++) {
      var lower = value.charAt(i).toLowerCase();
      out += lower.length === 1 ? lower : value.charAt(i);
    }
    return out;
  }

  // Where the terms stand in ``value``: merged [start, end) ranges, in order.
  function matches(value, terms) {
    var haystack = folded(value);
    var ranges = [];
    terms.forEach(function (term) {
      var needle = folded(term);
      for (var at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
        ranges.push([at, at + needle.length]);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    ranges.forEach(function (range) {
      var last = merged[merged.length - 1];
      if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
      else merged.push(range.slice());
    });
    return merged;
  }

  // The matches in a title as written (its spaces kept): found in its reading, mapped back.
  function titleMatches(title, terms) {
    var read = "";
    var at = [];
    for (var i = 0; i < title.length; i++) {
      if (/\s/.test(title.charAt(i))) continue;
      read += title.charAt(i);
      at.push(i);
    }
    return matches(read, terms).map(function (range) { return [at[range[0]], at[range[1] - 1] + 1]; });
  }

  // ``value`` from ``start`` to ``end`` into ``element``, the matches in <mark>.
  function marked(element, value, ranges, start, end) {
    var at = start;
    ranges.forEach(function (range) {
      var from = Math.max(range[0], start);
      var to = Math.min(range[1], end);
      if (to <= from) return;
      if (from > at) element.appendChild(document.createTextNode(value.slice(at, from)));
      element.appendChild(text("mark", value.slice(from, to)));
      at = to;
    });
    if (end > at) element.appendChild(document.createTextNode(value.slice(at, end)));
    return element;
  }

  // A checked result: its record with the text as read, where its body starts and where the terms are.
  function checked(data, terms) {
    var content = plain(data.content || "");
    var haystack = folded(content);
    for (var i = 0; i < terms.length; i++) {
      if (haystack.indexOf(folded(terms[i])) < 0) return null;
    }
    var title = plain((data.meta && data.meta.title) || "");
    var body = 0;
    if (title && content.indexOf(title) === 0) body = title.length + (content.charAt(title.length) === " " ? 1 : 0);
    return { data: data, content: content, title: title, body: body, ranges: matches(content, terms) };
  }

  // About EXCERPT characters of the bulletin's text around its first match (its opening if only the title matches).
  function excerpt(found) {
    var content = found.content;
    var first = found.ranges.filter(function (range) { return range[0] >= found.body; })[0];
    var start = first ? Math.max(found.body, first[0] - Math.floor(EXCERPT / 3)) : found.body;
    var end = Math.min(content.length, start + EXCERPT);
    start = Math.max(found.body, Math.min(start, end - EXCERPT));
    var out = document.createElement("p");
    out.className = "summary";
    if (start > found.body) out.appendChild(document.createTextNode("…"));
    marked(out, content, found.ranges, start, end);
    if (end < content.length) out.appendChild(document.createTextNode("…"));
    return out;
  }

  // The result's URL as the record gives it when that is a full path (else as Pagefind has joined it).
  function address(data) {
    var raw = data.raw_url || "";
    return /^(\/|https?:\/\/)/.test(raw) ? raw : data.url;
  }

  function item(found, terms) {
    var data = found.data;
    var entry = document.createElement("li");
    var heading = document.createElement("h2");
    var link = document.createElement("a");
    link.href = address(data);
    var title = (data.meta && data.meta.title) || data.url;
    marked(link, title, titleMatches(title, terms), 0, title.length);
    heading.appendChild(link);
    entry.appendChild(heading);
    var meta = [data.meta && data.meta.unit, data.meta && data.meta.date].filter(Boolean).join(" · ");
    if (meta) entry.appendChild(text("p", meta, "meta"));
    if (found.content.length > found.body) entry.appendChild(excerpt(found));
    return entry;
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

  // Pagefind with every shard of the index merged; null for a site with nothing to search. The shards are
  // asked for together: one after another, a phone waits for each one's files in turn.
  async function open() {
    if (!bundles.length) return null;
    var first = bundles[0];
    var pagefind = await import(/\.js$/.test(first) ? first : first + "pagefind.js");
    // The records' URLs carry the site's base path already: Pagefind must not add it again.
    await pagefind.options({ excerptLength: 0, baseUrl: "/" });
    await Promise.all(bundles.slice(1).map(function (bundle) {
      return pagefind.mergeIndex(bundle, { baseUrl: "/" });
    }));
    return pagefind;
  }

  // The results of every term, kept where all terms found the page: Pagefind's order of the rarest term.
  async function candidates(pagefind, terms, filters) {
    var lists = [];
    for (var i = 0; i < terms.length; i++) {
      var search = await pagefind.search(lookupOf(terms[i]), { filters: filters });
      lists.push((search && search.results) || []);
    }
    lists.sort(function (a, b) { return a.length - b.length; });
    var others = lists.slice(1).map(function (results) {
      var ids = new Set();
      results.forEach(function (result) { ids.add(result.id); });
      return ids;
    });
    return lists[0].filter(function (result) {
      return others.every(function (ids) { return ids.has(result.id); });
    });
  }

  async function run() {
    var terms = termsOf(query);
    if (terms.length) {
      status.textContent = "正在搜索……";
      list.setAttribute("aria-busy", "true");
    }
    var pagefind = await open();
    var active = {};
    Object.keys(chosen).forEach(function (name) { if (chosen[name]) active[name] = chosen[name]; });
    // The filters and the query's candidates are asked for together: each needs files of every shard.
    var asked = await Promise.all([pagefind ? pagefind.filters() : {},
      pagefind && terms.length ? candidates(pagefind, terms, active) : []]);
    var filters = asked[0];
    ["unit", "year"].forEach(function (name) {
      if (filters[name] && Object.keys(filters[name]).length) {
        filterBox.appendChild(filterSelect(name, filterBox.getAttribute("data-" + name) || name, filters[name]));
        filterBox.hidden = false;
      }
    });
    if (!terms.length) { status.textContent = "请输入要搜索的词语。"; return; }
    var pending = asked[1];
    var next = 0; // the next candidate to check
    var found = []; // checked results, in order
    var shown = 0;
    var queue = Promise.resolve();
    var working = 1; // this search, until its unasked check is done

    // The list is aria-busy while any check runs (the one unasked and one for 显示更多 may overlap).
    function busy(change) {
      working += change;
      list.setAttribute("aria-busy", working > 0 ? "true" : "false");
    }

    // Check candidates until ``wanted`` results are found or the first ``limit`` are checked (one check at a time).
    function check(wanted, limit) {
      queue = queue.then(async function () {
        while (found.length < wanted && next < Math.min(limit, pending.length)) {
          var batch = pending.slice(next, next + BATCH);
          next += batch.length;
          var records = await Promise.all(batch.map(function (result) { return result.data(); }));
          records.forEach(function (data) {
            var result = checked(data, terms);
            if (result) found.push(result);
          });
        }
      });
      return queue;
    }

    function report() {
      var done = next >= pending.length;
      if (done && !found.length) {
        status.textContent = "没有找到与“" + query + "”相关的内容。";
      } else if (done) {
        status.textContent = "找到 " + found.length + " 条结果" +
          (found.length > shown ? "，显示前 " + shown + " 条" : "") + "。";
      } else {
        status.textContent = "找到至少 " + found.length + " 条结果，显示前 " + shown + " 条。";
      }
      if (more) more.hidden = done && shown >= found.length;
    }

    function show(count) {
      var firstNew = null;
      found.slice(shown, count).forEach(function (result) {
        var entry = item(result, terms);
        if (!firstNew) firstNew = entry;
        list.appendChild(entry);
      });
      shown = Math.min(count, found.length);
      return firstNew;
    }

    await check(PAGE, pending.length);
    show(PAGE);
    report();
    if (more) {
      more.addEventListener("click", async function () {
        more.disabled = true;
        busy(1);
        try {
          await check(shown + PAGE, pending.length);
          var firstNew = show(shown + PAGE);
          report();
          var link = firstNew && firstNew.querySelector("a");
          if (link) link.focus();
        } catch (error) {
          unavailable();
        } finally {
          more.disabled = false;
          busy(-1);
        }
      });
    }
    // A true count without being asked, as far as CHECK_AHEAD candidates go.
    await check(Infinity, CHECK_AHEAD);
    report();
    busy(-1);
  }

  function unavailable() {
    list.removeAttribute("aria-busy");
    status.textContent = "搜索暂时不可用：搜索索引未能加载。";
  }

  run().catch(unavailable);
})();
