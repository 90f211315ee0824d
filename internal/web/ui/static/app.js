// quire works without JavaScript; this only adds keyboard shortcuts and
// posts a few forms without a reload.

// Keys, as on the lists of Gmail or Hacker News readers: "/" search, j/k
// next/previous paper, o open it, v upvote, s save, ? this help. They move
// the focus to a card's title link, so Tab and the screen reader follow, and
// they never take a key from a text field or one with a modifier.
const keyHelp = [["/", "search"], ["j", "next paper"], ["k", "previous paper"], ["o", "open the paper"],
  ["v", "upvote"], ["s", "save to your Reading list"], ["?", "show or hide this help"], ["Esc", "close this help"]];

function currentCard() {
  return document.activeElement?.closest("article.card");
}

function moveCard(step) {
  const cards = [...document.querySelectorAll("article.card")];
  if (!cards.length) return;
  const i = cards.indexOf(currentCard());
  const next = cards[i < 0 ? (step > 0 ? 0 : cards.length - 1) : Math.min(cards.length - 1, Math.max(0, i + step))];
  next.querySelector(".title a")?.focus();
}

function toggleHelp(show) {
  let help = document.getElementById("keys-help");
  if (!help) {
    if (show === false) return;
    help = document.createElement("div");
    help.id = "keys-help";
    help.setAttribute("role", "dialog");
    help.setAttribute("aria-label", "Keyboard shortcuts");
    const h = document.createElement("h2");
    h.textContent = "Keyboard shortcuts";
    const dl = document.createElement("dl");
    for (const [k, what] of keyHelp) {
      const dt = document.createElement("dt"), kbd = document.createElement("kbd"), dd = document.createElement("dd");
      kbd.textContent = k; dd.textContent = what;
      dt.append(kbd); dl.append(dt, dd);
    }
    const close = document.createElement("button");
    close.type = "button"; close.textContent = "Close";
    close.addEventListener("click", () => toggleHelp(false));
    help.append(h, dl, close);
    help.hidden = true;
    document.body.append(help);
  }
  help.hidden = show === undefined ? !help.hidden : !show;
}

document.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey || e.target.closest("input, textarea, select, [contenteditable]")) return;
  const card = currentCard();
  switch (e.key) {
  case "/": document.getElementById("q")?.focus(); break;
  case "j": moveCard(1); break;
  case "k": moveCard(-1); break;
  case "o": if (!card) return; location.href = card.querySelector(".title a").href; break;
  case "v": if (!card) return; card.querySelector("form.votes button")?.click(); break;
  case "s": if (!card) return; card.querySelector("form.mark.save button")?.click(); break;
  case "?": toggleHelp(); break;
  case "Escape": toggleHelp(false); return;
  default: return;
  }
  e.preventDefault();
});

// Upvotes without a page reload: the vote forms post to the JSON API
// instead (same origin, with the session cookie), and fall back to the
// plain form post when that fails.
document.addEventListener("submit", async (e) => {
  const form = e.target.closest("form.votes");
  if (!form || !window.fetch) return;
  e.preventDefault();
  const on = form.elements.on.value !== "0";
  try {
    const res = await fetch(`/api/papers/${encodeURIComponent(form.dataset.paper)}/upvote`,
      { method: on ? "POST" : "DELETE", credentials: "same-origin", headers: { Accept: "application/json" } });
    if (res.status === 401) { location.href = "/login?next=" + encodeURIComponent(location.pathname); return; }
    if (!res.ok) throw new Error(res.status);
    const data = await res.json();
    form.querySelector(".count").textContent = data.upvotes;
    form.classList.toggle("voted", data.upvoted);
    form.elements.on.value = data.upvoted ? "0" : "1";
    form.querySelector("button").setAttribute("aria-pressed", String(data.upvoted));
  } catch (err) {
    form.submit();
  }
});

// Save and "mark read" on cards without a reload: the same forms, posted
// to the JSON API; the plain form post is the fallback.
document.addEventListener("submit", async (e) => {
  const form = e.target.closest("form.mark");
  if (!form || !window.fetch) return;
  e.preventDefault();
  const on = form.elements.on.value !== "0";
  const id = encodeURIComponent(form.dataset.paper);
  const save = form.dataset.kind === "save";
  const url = save ? (on ? "/api/collections/reading-list/items" : `/api/collections/reading-list/items/${id}`) : `/api/papers/${id}/read`;
  const method = save ? (on ? "POST" : "DELETE") : (on ? "PUT" : "DELETE");
  try {
    const res = await fetch(url, { method, credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: save && on ? JSON.stringify({ ids: [form.dataset.paper] }) : undefined });
    if (res.status === 401) { location.href = "/login?next=" + encodeURIComponent(location.pathname); return; }
    if (!res.ok) throw new Error(res.status);
    const button = form.querySelector("button");
    form.elements.on.value = on ? "0" : "1";
    button.setAttribute("aria-pressed", String(on));
    button.textContent = save ? (on ? "Saved" : "Save") : (on ? "Read" : "Mark read");
    if (!save) form.closest(".card")?.classList.toggle("read", on);
  } catch (err) {
    form.submit();
  }
});

// "copy" buttons copy the text of the element they name.
document.addEventListener("click", async (e) => {
  const b = e.target.closest("button.copy");
  if (!b || !navigator.clipboard) return;
  const el = document.getElementById(b.dataset.copy);
  if (!el) return;
  await navigator.clipboard.writeText(el.textContent);
  b.textContent = "copied";
});

// "▾" next to a card's Save: a menu of the reader's collections, each a
// click away; without JavaScript the link opens the paper page's Save form.
document.addEventListener("click", async (e) => {
  const link = e.target.closest("a.save-to");
  if (!link || !window.fetch) return;
  e.preventDefault();
  const open = link.parentElement.querySelector(".save-menu");
  if (open) { open.remove(); return; }
  try {
    const res = await fetch("/api/collections", { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!res.ok) throw new Error(res.status);
    const menu = document.createElement("span");
    menu.className = "save-menu";
    menu.setAttribute("role", "menu");
    for (const c of await res.json()) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "link";
      b.setAttribute("role", "menuitem");
      b.textContent = c.name;
      b.addEventListener("click", async () => {
        const r = await fetch(`/api/collections/${encodeURIComponent(c.slug)}/items`, { method: "POST", credentials: "same-origin",
          headers: { Accept: "application/json", "Content-Type": "application/json" }, body: JSON.stringify({ ids: [link.dataset.paper] }) });
        b.textContent = r.ok ? "✓ " + c.name : c.name + " (failed)";
      });
      menu.append(b);
    }
    link.after(menu);
  } catch (err) {
    location.href = link.href;
  }
});
