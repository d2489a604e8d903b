// Console shell keyboard use: "/" focuses the header's search box (as on GitHub and MDN), unless the person is typing.
document.addEventListener('keydown', function (e) {
  if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
  var t = e.target;
  if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
  var box = document.getElementById('shell-q');
  if (!box) return;
  e.preventDefault();
  box.focus();
  box.select();
});
