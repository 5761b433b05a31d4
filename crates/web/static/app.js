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

  // After a save, the confirmation ("Profile saved") takes the focus, so it is read out
  // and seen where the member is; a refused form's field goes first.
  // (Again once loaded: scrolling to the address's #section may have moved it.)
  const flash = document.getElementById("flash");
  if (flash && !invalid) {
    flash.focus();
    window.addEventListener("load", () => {
      if (document.activeElement === document.body) flash.focus();
    });
  }

  // A link to a closed section of a page (#edit-experience) opens it.
  const openTarget = () => {
    if (!location.hash) return;
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    const details = target && target.closest("details");
    if (details && !details.open) {
      details.open = true;
      target.scrollIntoView();
    }
  };
  window.addEventListener("hashchange", openTarget);
  openTarget();

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

  liveCounts();
  liveThread();
  infiniteScroll();
  mentionTypeahead();
});

// The top bar's badges follow the member's events (server-sent, /api/v1/events): a new
// notification or invitation raises them without a reload. EventSource reconnects by itself
// and sends Last-Event-ID, so nothing is missed in between.
function liveCounts() {
  const nav = document.getElementById("nav-notifications");
  if (!nav || !window.EventSource) return;
  // A count the server could not read comes as null: shown as "?", never as a false 0.
  const set = (id, n, what) => {
    const el = document.getElementById(id);
    if (!el) return;
    if (n === null) {
      el.textContent = "?";
      el.setAttribute("aria-label", `${what}s: unknown`);
      el.hidden = false;
      return;
    }
    el.textContent = String(n);
    el.setAttribute("aria-label", `${n} ${what}${n === 1 ? "" : "s"}`);
    el.hidden = n === 0;
  };
  const events = new EventSource(nav.dataset.live);
  // "open" while connected, "reconnecting" in between: for styling, and tests wait on it.
  events.addEventListener("open", () => { nav.dataset.liveState = "open"; });
  events.addEventListener("error", () => { nav.dataset.liveState = "reconnecting"; });
  events.addEventListener("counts", (e) => {
    try {
      const c = JSON.parse(e.data);
      set("unread-count", c.notifications, "unread notification");
      set("pending-count", c.invitations, "pending invitation");
      set("messages-count", c.messages, "unread conversation");
      set("requests-count", c.message_requests, "message request");
    } catch (_) {
      /* a malformed event changes nothing */
    }
  });
  // A message or a read receipt: the open conversation (if it is that one) catches up.
  for (const kind of ["message", "read"]) {
    events.addEventListener(kind, (e) => {
      try {
        const data = JSON.parse(e.data);
        document.dispatchEvent(new CustomEvent("guild:" + kind, { detail: data }));
      } catch (_) {
        /* a malformed event changes nothing */
      }
    });
  }
  window.addEventListener("pagehide", () => events.close());
}

// An open conversation shows new messages as they arrive: on a live "message" event for it,
// the messages after the last one shown are fetched as HTML (rendered and sanitised by the
// server) and appended; a "read" event refreshes the "Seen" marks.
function liveThread() {
  const list = document.getElementById("messages");
  if (!list) return;
  const conv = list.dataset.conversation;
  let busy = false;
  let again = false;
  const catchUp = async (all) => {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const after = all ? 0 : (list.dataset.last || "0");
      const r = await fetch(`/messages/${conv}/items?after=${after}`, { credentials: "same-origin" });
      if (!r.ok) return;
      const tpl = document.createElement("template");
      tpl.innerHTML = await r.text();
      if (all) {
        for (const li of tpl.content.querySelectorAll("li.message")) {
          const old = document.getElementById(li.id);
          if (old) old.replaceWith(li);
        }
      } else {
        for (const li of tpl.content.querySelectorAll("li.message")) {
          if (!document.getElementById(li.id)) list.appendChild(li);
          list.dataset.last = li.dataset.id;
        }
      }
    } catch (_) {
      /* the next event (or a reload) catches up */
    } finally {
      busy = false;
      if (again) { again = false; catchUp(false); }
    }
  };
  document.addEventListener("guild:message", (e) => {
    if (String(e.detail.conversation_id) === conv) catchUp(false);
  });
  document.addEventListener("guild:read", (e) => {
    if (String(e.detail.conversation_id) === conv) catchUp(true);
  });
}

// "Show more" at the end of the feed loads the next page in place when it comes into view.
function infiniteScroll() {
  const feed = document.getElementById("feed");
  if (!feed || !window.IntersectionObserver) return;
  let loading = false;
  const observer = new IntersectionObserver(async (entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting || loading) continue;
      const more = entry.target;
      loading = true;
      observer.unobserve(more);
      try {
        const r = await fetch(more.dataset.more, { credentials: "same-origin" });
        if (!r.ok) throw new Error(String(r.status));
        const html = await r.text();
        const tpl = document.createElement("template");
        tpl.innerHTML = html;
        more.replaceWith(tpl.content);
        const next = feed.querySelector("p.more[data-more]");
        if (next) observer.observe(next);
      } catch (_) {
        observer.observe(more); // the link still works without us
      } finally {
        loading = false;
      }
    }
  }, { rootMargin: "400px" });
  const first = feed.querySelector("p.more[data-more]");
  if (first) observer.observe(first);
}

// Typing "@" and a few letters in the composer offers matching connections; choosing one
// writes their handle.
function mentionTypeahead() {
  const box = document.querySelector("textarea[data-mentions]");
  const list = document.getElementById("mention-list");
  if (!box || !list) return;
  let timer = 0;
  const close = () => {
    list.hidden = true;
    list.replaceChildren();
  };
  const word = () => {
    const upto = box.value.slice(0, box.selectionStart);
    const m = /(^|[^\w@])@([\p{L}\p{N}_-]{1,30})$/u.exec(upto);
    return m ? m[2] : null;
  };
  const choose = (handle) => {
    const at = box.selectionStart;
    const upto = box.value.slice(0, at).replace(/@[\p{L}\p{N}_-]*$/u, `@${handle} `);
    box.value = upto + box.value.slice(at);
    box.selectionStart = box.selectionEnd = upto.length;
    close();
    box.focus();
  };
  box.addEventListener("input", () => {
    clearTimeout(timer);
    const q = word();
    if (!q) return close();
    timer = setTimeout(async () => {
      try {
        const r = await fetch(`${box.dataset.mentions}?q=${encodeURIComponent(q)}`, { credentials: "same-origin" });
        if (!r.ok) return close();
        const people = await r.json();
        list.replaceChildren(...people.map((p) => {
          const li = document.createElement("li");
          li.setAttribute("role", "option");
          li.tabIndex = 0;
          li.textContent = `${p.name} (@${p.handle})`;
          li.addEventListener("click", () => choose(p.handle));
          li.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); choose(p.handle); } });
          return li;
        }));
        list.hidden = people.length === 0;
      } catch (_) {
        close();
      }
    }, 150);
  });
  box.addEventListener("keydown", (e) => {
    if (e.key === "Escape") close();
    if (e.key === "ArrowDown" && !list.hidden) {
      e.preventDefault();
      list.firstElementChild?.focus();
    }
  });
}

