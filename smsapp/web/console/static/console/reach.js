// The case conversation opens at its newest message (a static file: the console's CSP
// allows no inline scripts).
(function () {
  var chat = document.querySelector(".chat");
  if (chat) { chat.scrollTop = chat.scrollHeight; }
})();
