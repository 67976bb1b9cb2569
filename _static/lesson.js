// Learner and instructor views. Instructor notes (admonitions with `:class: instructor`)
// are hidden in the learner view. The button "Instructor view" at the top of every page
// switches views; the choice is kept in localStorage, and ?view=instructor in a link opens
// that view. The class is set on <html> before the page is drawn, so notes never flash.
(() => {
  const KEY = "lesson-view";
  const INSTRUCTOR = "instructor";
  const root = document.documentElement;

  const stored = () => {
    try {
      return localStorage.getItem(KEY);
    } catch (error) {
      return null; // storage disabled: the view lasts for this page only
    }
  };
  const store = (view) => {
    try {
      localStorage.setItem(KEY, view);
    } catch (error) {
      /* storage disabled */
    }
  };

  const requested = new URLSearchParams(window.location.search).get("view");
  if (requested === INSTRUCTOR || requested === "learner") store(requested);
  let view = requested || stored() || "learner";

  const show = (button) => {
    const instructor = view === INSTRUCTOR;
    root.classList.toggle("instructor-view", instructor);
    if (button) {
      button.setAttribute("aria-pressed", String(instructor));
      button.title = instructor
        ? "Instructor view: instructor notes are shown. Click for the learner view."
        : "Learner view: instructor notes are hidden. Click to show them.";
    }
  };
  show(null);

  document.addEventListener("DOMContentLoaded", () => {
    if (document.querySelector(".lesson-view-switch")) return; // the script ran already
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm lesson-view-switch";
    button.textContent = "Instructor view";
    button.addEventListener("click", () => {
      view = view === INSTRUCTOR ? "learner" : INSTRUCTOR;
      store(view);
      show(button);
    });
    const header = document.querySelector(".article-header-buttons");
    if (header) header.prepend(button);
    else document.body.prepend(button);
    show(button);
  });
})();

// The theme's controls, made usable by keyboard and screen reader alike (checked with axe-core
// and the keyboard by tests/test_site_accessibility.py).
(() => {
  const fix = () => {
    // An element named by aria-label says what it does; the icons in it are decoration. Their
    // titles (the colour mode switch's "Light", "Dark") would become the text a screen reader
    // compares with the name, which they do not contain (WCAG 2.5.3, Label in Name).
    document.querySelectorAll("[aria-label] i, [aria-label] svg").forEach((icon) => {
      icon.removeAttribute("title");
      icon.setAttribute("aria-hidden", "true");
    });
    // The search field shows "Search Ctrl + K" but is named "Search" by aria-label, which
    // 2.5.3 counts as a name without the visible text. Its name comes from its text instead;
    // the shortcut is a hint for the eye, and aria-keyshortcuts tells a screen reader.
    document.querySelectorAll(".search-button__kbd-shortcut").forEach((hint) => {
      hint.setAttribute("aria-hidden", "true");
      const button = hint.closest("button");
      if (!button || !button.querySelector(".search-button__default-text")) return;
      button.removeAttribute("aria-label");
      button.setAttribute("aria-keyshortcuts", "Control+K");
    });
    // sphinx-design's tabs are radio buttons, of which Tab reaches only the chosen one (and
    // shows no focus: the radio is transparent). Every tab's label joins the Tab order instead
    // and opens its tab with Enter or Space; the radios stay for screen readers' arrow keys.
    document.querySelectorAll(".sd-tab-set > label[for]").forEach((label) => {
      const radio = document.getElementById(label.htmlFor);
      if (!radio || label.tabIndex === 0) return;
      label.tabIndex = 0;
      radio.tabIndex = -1;
      label.addEventListener("keydown", (event) => {
        if (event.key !== "Enter" && event.key !== " ") return;
        event.preventDefault();
        radio.click();
      });
    });
  };
  document.addEventListener("DOMContentLoaded", fix);
  window.addEventListener("load", fix); // Font Awesome has turned its <i> into <svg> by then
})();
