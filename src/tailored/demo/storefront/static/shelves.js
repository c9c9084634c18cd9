// Rows of cards scroll sideways: where more cards wait beyond an edge, the row fades out
// there and shows a round button that scrolls by most of a row (keyboard users get it in
// the tab order). Without this script the rows still scroll, with their scrollbar.
"use strict";

(function () {
  function button(holder, side, label) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "shelf-scroll " + side;
    b.textContent = side === "after" ? "\u203A" : "\u2039";
    b.setAttribute("aria-label", label);
    b.hidden = true;
    holder.appendChild(b);
    return b;
  }

  function setUp(holder) {
    const row = holder.querySelector(".row");
    const shelf = holder.closest("section");
    const heading = shelf && shelf.querySelector("h2") ? shelf.querySelector("h2").textContent : "row";
    const after = button(holder, "after", "More of " + heading);
    const before = button(holder, "before", "Back in " + heading);
    function update() {
      const hiddenAfter = row.scrollWidth - row.clientWidth - row.scrollLeft > 2;
      const hiddenBefore = row.scrollLeft > 2;
      holder.classList.toggle("more-after", hiddenAfter);
      holder.classList.toggle("more-before", hiddenBefore);
      after.hidden = !hiddenAfter;
      before.hidden = !hiddenBefore;
    }
    const step = (sign) => () => row.scrollBy({ left: sign * row.clientWidth * 0.8, behavior: "smooth" });
    after.addEventListener("click", step(1));
    before.addEventListener("click", step(-1));
    row.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    update();
  }

  document.querySelectorAll(".shelf-row").forEach(setUp);
})();
