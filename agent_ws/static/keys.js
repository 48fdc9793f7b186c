// Keyboard shortcuts of the agent page, listed in its help line (#shortcuts). They never
// fire while the agent types in a field, or with Ctrl/Alt/Meta held (browser shortcuts).
"use strict";

function typing(target) {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

// `actions`: key (lower case, or "/") -> function.
export function setUpShortcuts(actions) {
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey || event.repeat) return;
    if (typing(event.target)) return;
    const action = actions[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
}
