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
  for (const input of document.querySelectorAll("input[data-picker]")) recipientPicker(input);
  for (const box of document.querySelectorAll("textarea[data-mentions], form[data-mentions] textarea[name=body]")) {
    mentionPicker(box, box.dataset.mentions || box.form.dataset.mentions);
  }
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

// ---- The member picker (one for every place a member picks a member) ----
// WAI-ARIA "combobox with listbox popup": the text field keeps the focus and points at the
// active option (aria-activedescendant); ArrowDown/ArrowUp move, Enter chooses, Escape
// closes, Tab leaves; a polite live region says how many members were found. The server
// finds the members (GET …/members/lookup?q=), so who may see whom is decided there.

let pickerCount = 0;

// The list, its live region and the keyboard, around `field` (an input or a textarea).
// `query()` is the text to look up (or null: nothing to offer), `choose(item)` takes an
// option, `skip(item)` leaves out members already chosen; the list follows `after`.
function memberList(field, url, { query, choose, skip = () => false, expanded = true, after = field }) {
  const id = `picker-${++pickerCount}`;
  const list = document.createElement("ul");
  list.id = `${id}-list`;
  list.className = "picker-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Members");
  list.hidden = true;
  const status = document.createElement("div");
  status.className = "sr-only";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  after.insertAdjacentElement("afterend", status);
  after.insertAdjacentElement("afterend", list);
  field.setAttribute("aria-autocomplete", "list");
  field.setAttribute("aria-controls", list.id);
  if (expanded) field.setAttribute("aria-expanded", "false");
  let items = [];
  let active = -1;
  let seq = 0;
  let timer = 0;
  const degreeLabel = (d) => (d === 1 ? "1st" : d === 2 ? "2nd" : "3rd+");
  const initials = (name) =>
    name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join("");
  const setActive = (i) => {
    const options = list.querySelectorAll("[role=option]");
    active = i;
    options.forEach((o, n) => o.setAttribute("aria-selected", n === i ? "true" : "false"));
    if (i >= 0 && options[i]) {
      field.setAttribute("aria-activedescendant", options[i].id);
      options[i].scrollIntoView({ block: "nearest" });
    } else {
      field.removeAttribute("aria-activedescendant");
    }
  };
  const close = () => {
    clearTimeout(timer);
    seq++;
    list.hidden = true;
    list.replaceChildren();
    items = [];
    setActive(-1);
    if (expanded) field.setAttribute("aria-expanded", "false");
  };
  const pick = (i) => {
    const item = items[i];
    if (!item) return;
    close();
    choose(item);
  };
  const option = (p, i) => {
    const li = document.createElement("li");
    li.id = `${id}-opt-${i}`;
    li.className = "picker-option";
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    let face;
    if (p.photo_url) {
      face = document.createElement("img");
      face.src = p.photo_url;
      face.alt = "";
    } else {
      face = document.createElement("span");
      face.textContent = initials(p.name);
      face.setAttribute("aria-hidden", "true");
      face.className = "initials";
    }
    face.classList.add("avatar", "picker-avatar");
    const text = document.createElement("span");
    text.className = "picker-text";
    const name = document.createElement("span");
    name.className = "picker-name";
    name.textContent = p.name;
    const degree = document.createElement("span");
    degree.className = "picker-degree";
    degree.textContent = ` · ${degreeLabel(p.degree)}`;
    name.append(degree);
    text.append(name);
    if (p.headline) {
      const h = document.createElement("span");
      h.className = "picker-headline";
      h.textContent = p.headline;
      text.append(h);
    }
    li.append(face, text);
    // The field keeps the focus; a click chooses.
    li.addEventListener("mousedown", (e) => e.preventDefault());
    li.addEventListener("click", () => pick(i));
    return li;
  };
  const show = (found) => {
    items = found.filter((p) => !skip(p));
    list.replaceChildren(...items.map(option));
    list.hidden = items.length === 0;
    if (expanded) field.setAttribute("aria-expanded", items.length ? "true" : "false");
    setActive(-1);
    const n = items.length;
    status.textContent = n === 0 ? "No member matches" : `${n} member${n === 1 ? "" : "s"} found`;
  };
  const lookup = () => {
    clearTimeout(timer);
    const q = query();
    if (!q) return close();
    const mine = ++seq;
    timer = setTimeout(async () => {
      try {
        const r = await fetch(`${url}?q=${encodeURIComponent(q)}`, { credentials: "same-origin" });
        if (mine !== seq) return;
        if (!r.ok) return close();
        const body = await r.json();
        if (mine === seq) show(body.items || []);
      } catch (_) {
        if (mine === seq) close();
      }
    }, 120);
  };
  field.addEventListener("input", lookup);
  field.addEventListener("blur", () => setTimeout(() => {
    if (document.activeElement !== field) close();
  }, 150));
  field.addEventListener("keydown", (e) => {
    const open = !list.hidden && items.length > 0;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!open) {
        if (e.key === "ArrowDown" && query()) { e.preventDefault(); lookup(); }
        return;
      }
      e.preventDefault();
      const n = items.length;
      if (e.key === "ArrowDown") setActive(active + 1 >= n ? 0 : active + 1);
      else setActive(active <= 0 ? n - 1 : active - 1);
    } else if (e.key === "Enter" && open && active >= 0) {
      e.preventDefault();
      pick(active);
    } else if (e.key === "Escape" && open) {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === "Tab") {
      close();
    }
  });
  return { close };
}

// A field of members ("To", the away page's colleague): chosen members become chips (each removable by its button, the last by
// Backspace in the empty field), and the form sends their handles in the field the server
// reads, "linh, ann-lee". Without JavaScript the field takes names or handles as typed.
function recipientPicker(original) {
  const url = original.dataset.picker;
  // One member only (the away page's colleague): choosing replaces the chip.
  const single = original.hasAttribute("data-picker-single");
  const wrap = document.createElement("div");
  wrap.className = "picker";
  const chips = document.createElement("ul");
  chips.className = "picker-chips";
  chips.setAttribute("aria-label", "Chosen");
  const field = document.createElement("input");
  field.type = "text";
  field.id = original.id;
  field.className = "picker-input";
  field.autocomplete = "off";
  field.setAttribute("role", "combobox");
  for (const a of ["aria-invalid", "aria-describedby"]) {
    if (original.hasAttribute(a)) field.setAttribute(a, original.getAttribute(a));
  }
  original.id = `${original.id}-value`;
  original.type = "hidden";
  original.removeAttribute("required");
  original.insertAdjacentElement("beforebegin", wrap);
  wrap.append(chips, field);
  const chosen = []; // {handle, name}: handle may be a name typed before, sent as it is
  const status = document.createElement("div");
  status.className = "sr-only";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  wrap.append(status);
  const sync = () => {
    original.value = chosen.map((c) => c.handle).join(", ");
  };
  const render = () => {
    chips.replaceChildren(...chosen.map((c, i) => {
      const li = document.createElement("li");
      li.className = "picker-chip";
      const label = document.createElement("span");
      label.textContent = c.name;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "picker-remove";
      remove.setAttribute("aria-label", `Remove ${c.name}`);
      remove.textContent = "×";
      remove.addEventListener("click", () => {
        removeAt(i);
        field.focus();
      });
      li.append(label, remove);
      return li;
    }));
    chips.hidden = chosen.length === 0;
    sync();
  };
  const removeAt = (i) => {
    const [gone] = chosen.splice(i, 1);
    render();
    if (gone) status.textContent = `Removed ${gone.name}`;
  };
  const add = (c) => {
    if (single) chosen.length = 0;
    if (!chosen.some((x) => x.handle === c.handle)) chosen.push(c);
    field.value = "";
    render();
    status.textContent = `Added ${c.name}`;
  };
  // What the server already had (a refused form, "Message" from a profile): chips, with the
  // member's name where the lookup knows the handle.
  for (const entry of original.value.split(/[,;]/).map((s) => s.trim()).filter(Boolean)) {
    const c = { handle: entry.replace(/^@/, ""), name: entry };
    chosen.push(c);
    if (/^@?[a-z][a-z0-9-]{2,}$/i.test(entry)) {
      fetch(`${url}?q=${encodeURIComponent(c.handle)}`, { credentials: "same-origin" })
        .then((r) => (r.ok ? r.json() : { items: [] }))
        .then((b) => {
          const m = (b.items || []).find((p) => p.handle === c.handle.toLowerCase());
          if (m) { c.handle = m.handle; c.name = m.name; render(); }
        })
        .catch(() => {});
    }
  }
  render();
  memberList(field, url, {
    query: () => field.value.trim().replace(/^@/, "") || null,
    choose: (p) => add({ handle: p.handle, name: p.name }),
    skip: (p) => chosen.some((c) => c.handle === p.handle),
    after: wrap,
  });
  field.addEventListener("keydown", (e) => {
    if (e.key === "Backspace" && field.value === "" && chosen.length) {
      e.preventDefault();
      removeAt(chosen.length - 1);
    }
  });
  // Text typed but not chosen goes too, as typed: the server takes a name or a handle and
  // says beside the field what it could not find.
  original.form.addEventListener("submit", () => {
    const left = field.value.trim();
    if (left) for (const part of left.split(/[,;]/).map((s) => s.trim()).filter(Boolean)) add({ handle: part, name: part });
    sync();
  });
}

// Mentions in a post or a comment: "@" and the start of any word of a name offers members;
// choosing one writes "@handle" (the published text shows their name).
function mentionPicker(box, url) {
  if (!box || !url) return;
  const word = () => {
    const upto = box.value.slice(0, box.selectionStart);
    const m = /(^|[^\w@])@([\p{L}\p{N}_-]{1,30})$/u.exec(upto);
    return m ? m[2] : null;
  };
  // A textarea stays a textbox (ARIA allows it no combobox role, nor aria-expanded); it
  // controls the list and points at the active option all the same.
  memberList(box, url, {
    query: word,
    expanded: false,
    choose: (p) => {
      const at = box.selectionStart;
      const upto = box.value.slice(0, at).replace(/@[\p{L}\p{N}_-]*$/u, `@${p.handle} `);
      box.value = upto + box.value.slice(at);
      box.selectionStart = box.selectionEnd = upto.length;
      box.focus();
    },
  });
}
