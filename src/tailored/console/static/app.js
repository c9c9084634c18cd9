// Small helpers shared by the pages; everything works without them except live updates.
"use strict";

// POST a form's fields as JSON to `url` and give back the parsed answer.
async function postJSON(url, data) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(data),
    credentials: "same-origin",
  });
  return { ok: response.ok, status: response.status, body: await response.json() };
}
window.tailored = { postJSON };
