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

// The preview follows the typing: the YAML is checked on the server (nothing is saved)
// half a second after the last key, and the issues and message previews are redrawn.
(function () {
  "use strict";
  var form = document.querySelector("form[data-check-url]");
  var area = document.getElementById("yaml_text");
  if (!form || !area) { return; }
  var timer = null;
  var sent = 0;
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }

  function lineLink(line) {
    var a = el("a", "line " + line);
    a.href = "#line-" + line;
    return a;
  }

  function drawIssues(issues) {
    var section = document.getElementById("flow-issues");
    section.querySelectorAll("[data-issues], [data-issues-none]").forEach(function (n) { n.remove(); });
    if (!issues.length) {
      var none = el("p", "No errors or warnings.");
      none.setAttribute("data-issues-none", "");
      section.appendChild(none);
      return;
    }
    var list = el("ul", null, "issues");
    list.setAttribute("data-issues", "");
    issues.forEach(function (issue) {
      var li = el("li", null, "issue issue-" + issue.severity);
      li.appendChild(el("strong", issue.severity));
      if (issue.line) { li.appendChild(document.createTextNode(" · ")); li.appendChild(lineLink(issue.line)); }
      if (issue.path) { li.appendChild(document.createTextNode(" · ")); li.appendChild(el("code", issue.path)); }
      li.appendChild(document.createTextNode(": " + issue.message));
      list.appendChild(li);
    });
    section.appendChild(list);
  }

  function drawMessages(messages) {
    var body = document.getElementById("flow-messages");
    if (!body) { return; }
    body.textContent = "";
    if (!messages.length) {
      var empty = el("tr");
      var td = el("td", "Fix the YAML to see its messages.");
      td.colSpan = 3;
      empty.appendChild(td);
      body.appendChild(empty);
      return;
    }
    messages.forEach(function (m, i) {
      var tr = el("tr");
      tr.id = "message-" + (i + 1);
      var where = el("td");
      where.appendChild(el("code", m.path));
      if (m.line) { where.appendChild(el("br")); where.appendChild(lineLink(m.line)); }
      tr.appendChild(where);
      tr.appendChild(el("td", m.preview !== null ? m.preview : m.error, "wrap"));
      var seg = el("td");
      if (m.segments !== null) {
        seg.appendChild(document.createTextNode(m.segments + " × " + m.encoding));
        seg.appendChild(el("br"));
        seg.appendChild(el("small", m.chars + " chars" + (m.ucs2_char ? "; “" + m.ucs2_char + "” forces UCS-2" : "")));
      }
      tr.appendChild(seg);
      body.appendChild(tr);
    });
  }

  function check() {
    var mine = ++sent;
    fetch(form.getAttribute("data-check-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ yaml_text: area.value })
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data || mine !== sent) { return; }  // a newer check is on its way
      drawIssues(data.issues);
      drawMessages(data.messages);
      document.querySelectorAll("[data-needs-no-errors]").forEach(function (b) {
        b.disabled = data.errors > 0;
        b.title = data.errors > 0 ? "Fix the errors first" : "";
      });
      var status = document.querySelector("[data-preview-status]");
      if (status) { status.hidden = false; }
    }).catch(function () { /* offline: the preview stays as it was */ });
  }

  area.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 500);
  });
})();
