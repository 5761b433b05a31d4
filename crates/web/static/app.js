// Guild pages: small progressive enhancements only; every page works without it.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Show the chosen photo before it is uploaded (a data: URL; the CSP allows those for images).
  for (const input of document.querySelectorAll("input[type=file][data-preview]")) {
    const preview = document.getElementById(input.dataset.preview);
    if (!preview) continue;
    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      if (!file || !file.type.startsWith("image/")) {
        preview.hidden = true;
        return;
      }
      const reader = new FileReader();
      reader.addEventListener("load", () => {
        preview.src = reader.result;
        preview.hidden = false;
      });
      reader.readAsDataURL(file);
    });
  }

  // "I work here now" hides the end month (the server ignores it when the box is ticked).
  for (const box of document.querySelectorAll("input[type=checkbox][data-hides]")) {
    const target = document.getElementById(box.dataset.hides);
    const field = target && target.closest(".field");
    if (!field) continue;
    const sync = () => {
      field.hidden = box.checked;
    };
    box.addEventListener("change", sync);
    sync();
  }

  // After a refused form, take the focus to the first field in error: its message is read
  // with it (aria-describedby), and the page scrolls there.
  const invalid = document.querySelector("main [aria-invalid=true]");
  if (invalid) invalid.focus();

  // Close an open "me" menu on Escape or a click elsewhere.
  const menus = document.querySelectorAll("details.menu");
  document.addEventListener("click", (e) => {
    for (const m of menus) if (m.open && !m.contains(e.target)) m.open = false;
  });
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    for (const m of menus) {
      if (m.open) {
        m.open = false;
        m.querySelector("summary").focus();
      }
    }
  });
});
