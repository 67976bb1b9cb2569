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
