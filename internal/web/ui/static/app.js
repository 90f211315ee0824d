// quire works without JavaScript; this only adds a keyboard shortcut:
// "/" focuses the search box.
document.addEventListener("keydown", (e) => {
  if (e.key !== "/" || e.target.closest("input, textarea")) return;
  const q = document.getElementById("q");
  if (q) { e.preventDefault(); q.focus(); }
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
