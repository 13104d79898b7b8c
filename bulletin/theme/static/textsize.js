/* Text size switch (字号 A / A+ / A++) for older readers, and an article's tools (字号 大 中 小, 打印本页).
 * Loaded from <head> without defer, so a remembered size is set on <html> before the page is drawn;
 * the buttons are added once the page is parsed. Without JavaScript there is no switch and the page
 * keeps its default size. The choice is kept in localStorage (no cookie) and is never sent anywhere.
 * On a bulletin page the same sizes are offered again beside the article's date, as 大 / 中 / 小 as official
 * portals write them, with a 打印本页 button (the browser's own printing; the print style makes an A4 document).
 */
(function () {
  "use strict";
  var KEY = "bulletin-text-size";
  var SIZES = [
    { name: "", text: "A", label: "标准字号", word: "小" },
    { name: "text-large", text: "A+", label: "大字号", word: "中" },
    { name: "text-larger", text: "A++", label: "特大字号", word: "大" }
  ];
  var root = document.documentElement;

  function stored() {
    try {
      return window.localStorage.getItem(KEY) || "";
    } catch (e) {
      return ""; // storage disabled: the switch still works on this page
    }
  }

  function remember(name) {
    try {
      if (name) {
        window.localStorage.setItem(KEY, name);
      } else {
        window.localStorage.removeItem(KEY);
      }
    } catch (e) {
      /* storage disabled or full: keep the size for this page only */
    }
  }

  function known(name) {
    for (var i = 0; i < SIZES.length; i++) {
      if (SIZES[i].name === name) return true;
    }
    return false;
  }

  function apply(name) {
    for (var i = 0; i < SIZES.length; i++) {
      if (SIZES[i].name) root.classList.remove(SIZES[i].name);
    }
    if (name) root.classList.add(name);
  }

  var current = stored();
  if (!known(current)) current = "";
  apply(current);

  function insertSwitch() {
    var header = document.querySelector(".site-header");
    var place = document.querySelector("[data-text-size]");
    if (!place && !header) return;
    var bar = document.createElement("div");
    bar.className = "text-size";
    var wrap = document.createElement("div");
    wrap.className = "wrap";
    var group = document.createElement("div");
    group.setAttribute("role", "group");
    group.setAttribute("aria-labelledby", "text-size-label");
    var label = document.createElement("span");
    label.id = "text-size-label";
    label.className = "text-size-label";
    label.textContent = "字号";
    group.appendChild(label);
    SIZES.forEach(function (size) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "size-" + (size.name.replace("text-", "") || "default");
      button.textContent = size.text;
      button.title = size.label;
      button.setAttribute("aria-label", size.text + " " + size.label);
      button.setAttribute("aria-pressed", String(size.name === current));
      button.setAttribute("data-size", size.name);
      button.addEventListener("click", function () {
        choose(size.name);
      });
      group.appendChild(button);
    });
    wrap.appendChild(group);
    bar.appendChild(wrap);
    if (place) {
      place.appendChild(bar);
    } else {
      header.insertBefore(bar, header.firstChild);
    }
  }

  function choose(name) {
    current = name;
    apply(current);
    remember(current);
    showPressed();
  }

  function showPressed() {
    var buttons = document.querySelectorAll(".text-size button, .article-size button");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-size") === current));
    }
  }

  // 字号：大 中 小 and 打印本页 in a bulletin's tool line (<p data-article-tools hidden>), shown once they work.
  function insertArticleTools() {
    var tools = document.querySelector("[data-article-tools]");
    if (!tools) return;
    var group = document.createElement("span");
    group.className = "article-size";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "字号");
    group.appendChild(document.createTextNode("字号："));
    for (var i = SIZES.length - 1; i >= 0; i--) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = SIZES[i].word;
      button.title = SIZES[i].label;
      button.setAttribute("data-size", SIZES[i].name);
      button.addEventListener("click", choose.bind(null, SIZES[i].name));
      group.appendChild(button);
    }
    tools.appendChild(group);
    if (typeof window.print === "function") {
      var print = document.createElement("button");
      print.type = "button";
      print.className = "print-button";
      print.textContent = "打印本页";
      print.addEventListener("click", function () {
        window.print();
      });
      tools.appendChild(print);
    }
    tools.hidden = false;
    showPressed();
  }

  // A page restored from the back-forward cache shows the size it had; take the latest choice.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    current = stored();
    if (!known(current)) current = "";
    apply(current);
    showPressed();
  });

  function insertAll() {
    insertSwitch();
    insertArticleTools();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", insertAll);
  } else {
    insertAll();
  }
})();
