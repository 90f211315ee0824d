// quire works without JavaScript; this only adds a keyboard shortcut:
// "/" focuses the search box.
document.addEventListener("keydown", (e) => {
  if (e.key !== "/" || e.target.closest("input, textarea")) return;
  const q = document.getElementById("q");
  if (q) { e.preventDefault(); q.focus(); }
});
