/*
 * Type-ahead pickers (centric.core.widgets.LookupInput), e.g. the owner and tag filters of the
 * people and organisation lists. Loaded from this host only (the CSP forbids inline scripts).
 *
 * Markup: <div data-lookup data-lookup-source="/staff/lookup/users/" data-lookup-shortcuts="[…]">
 *           <input name="owner"> <ul role="listbox" hidden></ul> <span data-lookup-label></span>
 *         </div>
 * Without this script the input is a plain text field (a username, a tag name). With it, typing
 * asks the source for at most 20 matches ({"results": [{value, label, detail}]}); ArrowDown and
 * ArrowUp move through them, Enter picks the highlighted one (with none highlighted it submits
 * the form as typed), Escape closes the list, a click or tap picks. Picking puts the value in the
 * input, names it under the input and tells the form it changed (the list refreshes through
 * htmx); typing alone does not refresh the list, so a half-typed name never filters.
 */
(function () {
  "use strict";

  var DELAY_MS = 150;

  function parts(root) {
    return {
      root: root,
      input: root.querySelector("input"),
      list: root.querySelector('[role="listbox"]'),
      label: root.querySelector("[data-lookup-label]"),
    };
  }

  function rootOf(element) {
    return element && element.closest ? element.closest("[data-lookup]") : null;
  }

  function enhance(root) {
    if (root.hasAttribute("data-lookup-ready")) return;
    var p = parts(root);
    if (!p.input || !p.list) return;
    root.setAttribute("data-lookup-ready", "");
    p.input.setAttribute("role", "combobox");
    p.input.setAttribute("aria-autocomplete", "list");
    p.input.setAttribute("aria-expanded", "false");
    p.input.setAttribute("aria-controls", p.list.id);
    p.input.setAttribute("data-lookup-committed", p.input.value);
  }

  function enhanceAll(scope) {
    if (!scope || !scope.querySelectorAll) return;
    if (scope.matches && scope.matches("[data-lookup]")) enhance(scope);
    Array.prototype.forEach.call(scope.querySelectorAll("[data-lookup]"), enhance);
  }

  function options(p) {
    return Array.prototype.slice.call(p.list.querySelectorAll('[role="option"]'));
  }

  function highlighted(p) {
    var items = options(p);
    for (var i = 0; i < items.length; i += 1) {
      if (items[i].getAttribute("aria-selected") === "true") return i;
    }
    return -1;
  }

  function highlight(p, index) {
    var items = options(p);
    items.forEach(function (item, position) {
      item.setAttribute("aria-selected", position === index ? "true" : "false");
    });
    if (index >= 0 && items[index]) {
      p.input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    } else {
      p.input.removeAttribute("aria-activedescendant");
    }
  }

  function close(p) {
    p.list.hidden = true;
    p.input.setAttribute("aria-expanded", "false");
    p.input.removeAttribute("aria-activedescendant");
  }

  function open(p) {
    var hasOptions = options(p).length > 0;
    p.list.hidden = !hasOptions;
    p.input.setAttribute("aria-expanded", hasOptions ? "true" : "false");
  }

  function fold(text) {
    var lower = (text || "").toLowerCase();
    return lower.normalize ? lower.normalize("NFD").replace(/[\u0300-\u036f]/g, "") : lower;
  }

  function shortcuts(p, query) {
    var all;
    try {
      all = JSON.parse(p.root.getAttribute("data-lookup-shortcuts") || "[]");
    } catch (error) {
      all = [];
    }
    var folded = fold(query);
    return all.filter(function (item) {
      return !folded || fold(item.label).indexOf(folded) === 0 || fold(item.value).indexOf(folded) === 0;
    });
  }

  function render(p, results) {
    while (p.list.firstChild) p.list.removeChild(p.list.firstChild);
    results.forEach(function (result, index) {
      var item = document.createElement("li");
      item.id = p.list.id + "_" + index;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.setAttribute("data-value", result.value);
      item.setAttribute("data-label", result.label || result.value);
      var main = document.createElement("span");
      main.className = "lookup-option-label";
      main.textContent = result.label || result.value;
      item.appendChild(main);
      if (result.detail && result.detail !== result.label) {
        var detail = document.createElement("span");
        detail.className = "lookup-option-detail";
        detail.textContent = result.detail;
        item.appendChild(detail);
      }
      p.list.appendChild(item);
    });
    if (!results.length) {
      close(p);
      return;
    }
    if (document.activeElement === p.input) open(p);
  }

  var timers = new WeakMap();
  var sequence = new WeakMap();

  function fetchOptions(p) {
    var query = p.input.value.trim();
    var number = (sequence.get(p.root) || 0) + 1;
    sequence.set(p.root, number);
    var url = p.root.getAttribute("data-lookup-source") + "?q=" + encodeURIComponent(query);
    window
      .fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("lookup " + response.status);
        return response.json();
      })
      .then(function (body) {
        if (sequence.get(p.root) !== number) return; // an answer to an older keystroke
        render(p, shortcuts(p, query).concat(body.results || []));
      })
      .catch(function () {
        if (sequence.get(p.root) !== number) return;
        render(p, shortcuts(p, query)); // signed out, offline: the field still takes typed text
      });
  }

  function schedule(p) {
    window.clearTimeout(timers.get(p.root));
    timers.set(p.root, window.setTimeout(function () { fetchOptions(p); }, DELAY_MS));
  }

  function commit(p) {
    p.input.setAttribute("data-lookup-committed", p.input.value);
    var form = p.input.form;
    if (form) form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function choose(p, item) {
    p.input.value = item.getAttribute("data-value");
    if (p.label) p.label.textContent = item.getAttribute("data-label");
    close(p);
    commit(p);
  }

  // The filter form refreshes the list on "change": a picker's input changes only by picking.
  document.addEventListener(
    "change",
    function (event) {
      if (rootOf(event.target) && event.target.tagName === "INPUT") event.stopPropagation();
    },
    true
  );

  document.addEventListener("input", function (event) {
    var root = rootOf(event.target);
    if (!root || event.target.tagName !== "INPUT") return;
    enhance(root);
    var p = parts(root);
    if (p.label) p.label.textContent = "";
    schedule(p);
  });

  document.addEventListener("focusin", function (event) {
    var root = rootOf(event.target);
    if (!root || event.target.tagName !== "INPUT") return;
    enhance(root);
    var p = parts(root);
    if (options(p).length) open(p);
    else schedule(p);
  });

  document.addEventListener("focusout", function (event) {
    var root = rootOf(event.target);
    if (!root || event.target.tagName !== "INPUT") return;
    var p = parts(root);
    if (root.contains(event.relatedTarget)) return;
    close(p);
    // Clearing the field is a choice too: "anyone", "any tag".
    if (p.input.value.trim() === "" && p.input.getAttribute("data-lookup-committed") !== "") {
      p.input.value = "";
      commit(p);
    }
  });

  document.addEventListener("keydown", function (event) {
    var root = rootOf(event.target);
    if (!root || event.target.tagName !== "INPUT") return;
    enhance(root);
    var p = parts(root);
    var items = options(p);
    var current = highlighted(p);
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (p.list.hidden) {
        if (items.length) open(p);
        else fetchOptions(p);
        return;
      }
      if (items.length) highlight(p, current + 1 >= items.length ? 0 : current + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (!p.list.hidden && items.length) highlight(p, current <= 0 ? items.length - 1 : current - 1);
    } else if (event.key === "Enter") {
      if (!p.list.hidden && current >= 0) {
        event.preventDefault();
        choose(p, items[current]);
      } else {
        close(p);
        p.input.setAttribute("data-lookup-committed", p.input.value);
      }
    } else if (event.key === "Escape") {
      if (!p.list.hidden) {
        event.preventDefault();
        event.stopPropagation();
        close(p);
      }
    }
  });

  // A tap or click picks; mousedown must not take the focus away from the input first.
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest("[data-lookup] [role='option']")) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    var item = event.target.closest ? event.target.closest("[data-lookup] [role='option']") : null;
    if (item) choose(parts(rootOf(item)), item);
  });

  document.addEventListener("htmx:load", function (event) { enhanceAll(event.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  } else {
    enhanceAll(document);
  }
})();
