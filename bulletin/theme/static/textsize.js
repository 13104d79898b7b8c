/* Text size switch (字号 A / A+ / A++) for older readers.
 * Loaded from <head> without defer, so a remembered size is set on <html> before the page is drawn;
 * the buttons are added once the page is parsed. Without JavaScript there is no switch and the page
 * keeps its default size. The choice is kept in localStorage (no cookie) and is never sent anywhere.
 */
(function () {
  "use strict";
  var KEY = "bulletin-text-size";
  var SIZES = [
    { name: "", text: "A", label: "标准字号" },
    { name: "text-large", text: "A+", label: "大字号" },
    { name: "text-larger", text: "A++", label: "特大字号" }
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
    var buttons = [];
    SIZES.forEach(function (size) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "size-" + (size.name.replace("text-", "") || "default");
      button.textContent = size.text;
      button.title = size.label;
      button.setAttribute("aria-label", size.text + " " + size.label);
      button.setAttribute("aria-pressed", String(size.name === current));
      button.addEventListener("click", function () {
        current = size.name;
        apply(current);
        remember(current);
        buttons.forEach(function (b) {
          b.setAttribute("aria-pressed", String(b === button));
        });
      });
      buttons.push(button);
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

  // A page restored from the back-forward cache shows the size it had; take the latest choice.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    current = stored();
    if (!known(current)) current = "";
    apply(current);
    var buttons = document.querySelectorAll(".text-size button");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", String(SIZES[i].name === current));
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", insertSwitch);
  } else {
    insertSwitch();
  }
})();
