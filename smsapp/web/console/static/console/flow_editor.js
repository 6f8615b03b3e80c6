// "line N" links move the cursor to that line of the textarea.
document.addEventListener("click", function (event) {
  var link = event.target.closest('a[href^="#line-"]');
  var area = document.getElementById("yaml_text");
  if (!link || !area) { return; }
  event.preventDefault();
  var line = parseInt(link.getAttribute("href").slice(6), 10);
  var lines = area.value.split("\n");
  var start = lines.slice(0, line - 1).join("\n").length + (line > 1 ? 1 : 0);
  area.focus();
  area.setSelectionRange(start, start + (lines[line - 1] || "").length);
  area.scrollTop = Math.max(0, (line - 3) * parseFloat(getComputedStyle(area).lineHeight || "18"));
});
