/*
 * Centric page behaviour. Loaded from this host only (the CSP forbids inline scripts), so every
 * behaviour is bound here from data- attributes rather than written into the templates.
 *
 * - htmx requests carry the CSRF token (read from <meta name="csrf-token">); GET forms marked
 *   data-drop-empty leave their empty fields out of the address.
 * - The search box: "/" or Ctrl-K (Cmd-K) focuses it; arrow keys move through the results,
 *   Enter opens the selected one (or, with none selected, submits to the full results page),
 *   Escape closes the list.
 * - The navigation menu button on a phone.
 * - Forms marked data-reset-on-success are cleared after a successful htmx post.
 * - Buttons and forms with data-confirm ask before they act.
 */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var method = (event.detail.verb || "get").toLowerCase();
    if (method !== "get") {
      event.detail.headers["X-CSRFToken"] = csrfToken();
    }
    // Filter forms leave empty fields out of the address, so shared links stay short.
    var source = event.detail.elt;
    var formData = event.detail.formData;
    if (method === "get" && formData && source && source.closest && source.closest("[data-drop-empty]")) {
      var empty = [];
      formData.forEach(function (value, key) {
        if (value === "") empty.push(key);
      });
      empty.forEach(function (key) { formData.delete(key); });
    }
  });

  // ---------- Search box ----------
  function searchParts() {
    var input = document.getElementById("search-input");
    var results = document.getElementById("search-results");
    return { input: input, results: results };
  }

  function options(results) {
    return Array.prototype.slice.call(results.querySelectorAll('[role="option"]'));
  }

  function select(index) {
    var parts = searchParts();
    if (!parts.input || !parts.results) return;
    var items = options(parts.results);
    items.forEach(function (item, position) {
      item.setAttribute("aria-selected", position === index ? "true" : "false");
    });
    if (index >= 0 && items[index]) {
      parts.input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    } else {
      parts.input.removeAttribute("aria-activedescendant");
    }
  }

  function selectedIndex(results) {
    var items = options(results);
    for (var i = 0; i < items.length; i += 1) {
      if (items[i].getAttribute("aria-selected") === "true") return i;
    }
    return -1;
  }

  function closeResults() {
    var parts = searchParts();
    if (!parts.results) return;
    parts.results.hidden = true;
    if (parts.input) {
      parts.input.setAttribute("aria-expanded", "false");
      parts.input.removeAttribute("aria-activedescendant");
    }
  }

  function openResults() {
    var parts = searchParts();
    if (!parts.results || !parts.input) return;
    var hasContent = parts.results.children.length > 0;
    parts.results.hidden = !hasContent;
    parts.input.setAttribute("aria-expanded", hasContent ? "true" : "false");
  }

  function isTyping(target) {
    if (!target) return false;
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    var parts = searchParts();
    if (!parts.input) return;
    var shortcut =
      (event.key === "k" || event.key === "K") && (event.ctrlKey || event.metaKey);
    if (shortcut || (event.key === "/" && !isTyping(event.target) && !event.ctrlKey && !event.metaKey)) {
      event.preventDefault();
      parts.input.focus();
      parts.input.select();
      return;
    }
    if (event.target !== parts.input || !parts.results) return;
    var items = options(parts.results);
    var current = selectedIndex(parts.results);
    if (event.key === "ArrowDown") {
      event.preventDefault();
      openResults();
      if (items.length) select(current + 1 >= items.length ? 0 : current + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (items.length) select(current <= 0 ? items.length - 1 : current - 1);
    } else if (event.key === "Enter" && current >= 0 && !parts.results.hidden) {
      var link = items[current].querySelector("a");
      if (link) {
        event.preventDefault();
        window.location.assign(link.href);
      }
    } else if (event.key === "Escape") {
      closeResults();
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var parts = searchParts();
    if (parts.results && event.detail.target === parts.results) {
      openResults();
      select(-1);
    }
    if (event.detail.target && event.detail.target.querySelectorAll) {
      var marked = event.detail.target.querySelectorAll("[data-autofocus]");
      if (marked.length) marked[0].focus();
    }
  });

  document.addEventListener("focusin", function (event) {
    var parts = searchParts();
    if (parts.input && event.target === parts.input) openResults();
  });

  document.addEventListener("click", function (event) {
    var search = document.getElementById("search");
    if (search && !search.contains(event.target)) closeResults();
  });

  // ---------- Navigation on a phone ----------
  function setNav(open) {
    document.body.classList.toggle("nav-open", open);
    var toggle = document.getElementById("menu-toggle");
    if (toggle) toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest ? event.target.closest("#menu-toggle") : null;
    if (toggle) {
      setNav(!document.body.classList.contains("nav-open"));
      return;
    }
    if (event.target.closest && event.target.closest(".nav-backdrop")) setNav(false);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && document.body.classList.contains("nav-open")) setNav(false);
  });

  // ---------- Forms ----------
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.matches && form.matches("form[data-reset-on-success]") && event.detail.successful) {
      form.reset();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();
