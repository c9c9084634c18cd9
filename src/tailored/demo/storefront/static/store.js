// The configurator's live price: every change asks the store what the design costs and
// which rules it breaks, and shows the answer. Without this script the "Check price"
// button does the same with a page load.
"use strict";

(function () {
  const form = document.getElementById("configurator");
  if (!form) return;
  document.documentElement.classList.add("js");
  const price = document.getElementById("price");
  const lines = document.getElementById("price-lines");
  const problems = document.getElementById("design-problems");
  let asked = 0;  // answers can arrive out of order: only the latest question counts
  let timer = null;

  function item(text, className) {
    const li = document.createElement("li");
    li.textContent = text;
    if (className) li.className = className;
    return li;
  }

  function show(result) {
    price.textContent = result.total_text;
    lines.replaceChildren(...result.lines.map(
      (line) => item(line.amount ? `${line.label}: ${line.amount}` : line.label)));
    if (result.violations.length) {
      const list = document.createElement("ul");
      list.replaceChildren(...result.violations.map((v) => item(v.message, "problem-text")));
      problems.replaceChildren(list);
    } else {
      const ok = document.createElement("p");
      ok.className = "ok";
      ok.textContent = "Every rule is met.";
      problems.replaceChildren(ok);
    }
    for (const group of form.querySelectorAll("fieldset[data-group]")) {
      const id = group.dataset.group;
      const messages = result.violations.filter((v) => v.groups.includes(id));
      group.classList.toggle("broken", messages.length > 0);
      group.querySelector(".group-problems")
        .replaceChildren(...messages.map((v) => item(v.message, "problem-text")));
    }
  }

  async function update() {
    const mine = ++asked;
    const body = new URLSearchParams(new FormData(form));
    try {
      const response = await fetch(form.dataset.priceUrl, {
        method: "POST", body, credentials: "same-origin",
      });
      if (!response.ok) return;
      const result = await response.json();
      if (mine === asked) show(result);
    } catch (error) {
      // Offline for a moment: the buttons still send the form and the page answers.
    }
  }

  form.addEventListener("change", update);
  form.addEventListener("input", (event) => {
    if (event.target.type !== "text" || event.target.name === "name") return;
    clearTimeout(timer);
    timer = setTimeout(update, 250);
  });
})();
