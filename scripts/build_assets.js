#!/usr/bin/env node
/*
 * Copy the front-end packages from node_modules into centric/static/vendor/ (gitignored).
 *
 * - htmx.org: the minified build.
 * - lucide-static: a sprite holding only the icons the templates use. The full sprite is
 *   over 500 KB; pages must stay well under 300 KB of assets, so the icon names are collected
 *   from `{% icon "name" %}` in every template plus a base list, and each icon's SVG file is
 *   turned into a <symbol>.
 *
 * Run with `npm ci && npm run build`. No network access; warns about unknown icon names.
 */
"use strict";

const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const modules = path.join(root, "node_modules");
const vendor = path.join(root, "centric", "static", "vendor");

// Icons used from Python code or JavaScript rather than from templates.
const BASE_ICONS = [
  "users", "building-2", "upload", "user-cog", "settings", "search", "menu", "x", "house",
  "log-out", "plus", "pencil", "trash-2", "phone", "mail", "message-circle", "globe",
  "map-pin", "at-sign", "chevron-left", "chevron-right", "chevron-down", "arrow-up-down",
  "download", "filter", "sticky-note", "calendar", "footprints", "history", "shield-check",
  "tag", "circle-alert", "circle-check", "info", "external-link", "clock", "user", "list", "chevron-up",
];

function walk(dir, found = []) {
  if (!fs.existsSync(dir)) return found;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, found);
    else if (/\.(html|txt|py)$/.test(entry.name)) found.push(full);
  }
  return found;
}

function usedIcons() {
  const names = new Set(BASE_ICONS);
  // Templates name icons as {% icon "name" %}; record kit registrations (records.py) as icon="name".
  const templatePattern = /\{%\s*icon\s+["']([a-z0-9-]+)["']/g;
  const pythonPattern = /\bicon=["']([a-z0-9-]+)["']/g;
  for (const file of walk(path.join(root, "centric"))) {
    const text = fs.readFileSync(file, "utf8");
    const pattern = file.endsWith(".py") ? pythonPattern : templatePattern;
    for (const match of text.matchAll(pattern)) names.add(match[1]);
  }
  return [...names].sort();
}

function symbolFor(name) {
  const file = path.join(modules, "lucide-static", "icons", `${name}.svg`);
  if (!fs.existsSync(file)) {
    // A typo in one template must not stop `make demo`; say so loudly and leave it out.
    console.warn(`WARNING: unknown lucide icon "${name}" (no ${file}); left out of the sprite`);
    return "";
  }
  const svg = fs.readFileSync(file, "utf8");
  const body = svg
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/^[\s\S]*?<svg[^>]*>/, "")
    .replace(/<\/svg>\s*$/, "")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .join("");
  return `<symbol id="${name}" viewBox="0 0 24 24">${body}</symbol>`;
}

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

function main() {
  fs.rmSync(vendor, { recursive: true, force: true });
  copy(path.join(modules, "htmx.org", "dist", "htmx.min.js"), path.join(vendor, "htmx", "htmx.min.js"));
  copy(path.join(modules, "htmx.org", "LICENSE"), path.join(vendor, "htmx", "LICENSE"));

  const icons = usedIcons();
  const sprite =
    '<svg xmlns="http://www.w3.org/2000/svg"><defs>' +
    icons.map(symbolFor).join("") +
    "</defs></svg>\n";
  fs.mkdirSync(path.join(vendor, "lucide"), { recursive: true });
  fs.writeFileSync(path.join(vendor, "lucide", "sprite.svg"), sprite);
  fs.writeFileSync(path.join(vendor, "lucide", "icons.json"), JSON.stringify(icons) + "\n");
  copy(path.join(modules, "lucide-static", "LICENSE"), path.join(vendor, "lucide", "LICENSE"));
  console.log(`vendor assets: htmx, ${icons.length} lucide icons (${sprite.length} bytes) -> ${path.relative(root, vendor)}`);
}

main();
