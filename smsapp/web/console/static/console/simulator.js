// The phone simulator: two chat views kept up to date by polling a JSON endpoint.
// Message bodies are set with textContent only: a simulated text is never markup.
(function () {
  "use strict";
  const root = document.getElementById("simulator");
  if (!root) return;
  const urls = {
    state: root.dataset.stateUrl,
    text: root.dataset.textUrl,
    advance: root.dataset.advanceUrl,
  };
  const csrf = root.dataset.csrf;
  const POLL_MS = 1500;
  let lastState = "";
  let busy = false;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function renderChat(who, phone) {
    const list = root.querySelector(`[data-chat="${who}"]`);
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.replaceChildren(
      ...phone.messages.map((m) => {
        const item = el("li", `bubble bubble-${m.direction}`);
        item.append(el("span", "bubble-body", m.body), el("time", "bubble-at", m.at));
        return item;
      })
    );
    root.querySelector(`[data-status="${who}"]`).textContent =
      phone.status ? `${phone.name} · ${phone.phone} · ${phone.status}` : `${phone.name} · ${phone.phone}`;
    if (nearBottom) list.scrollTop = list.scrollHeight;
  }

  function renderNext(items) {
    const list = root.querySelector("[data-next]");
    if (!items.length) {
      list.replaceChildren(el("li", "next-empty", "Nothing is scheduled."));
      return;
    }
    list.replaceChildren(
      ...items.map((n) => {
        const item = el("li", "next-item");
        item.append(
          el("strong", "next-kind", n.kind),
          el("span", "next-at", ` ${n.at_local} (${n.tz})`),
          el("span", "next-why", n.why),
          el("span", "next-rule", n.rule)
        );
        return item;
      })
    );
  }

  function render(state) {
    const key = JSON.stringify(state);
    if (key === lastState) return;
    lastState = key;
    const clock = root.querySelector("[data-clock]");
    clock.textContent = `${state.now_local} (${state.tz})`;
    clock.dataset.now = state.now;
    root.querySelector("[data-code]").textContent = state.code;
    renderChat("member", state.member);
    renderChat("facilitator", state.facilitator);
    renderNext(state.next);
  }

  // A poll that was already on its way when a text was sent may answer with older
  // state; it is dropped rather than drawn over the newer one.
  let generation = 0;

  async function refresh() {
    const asked = generation;
    try {
      const response = await fetch(urls.state, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const state = await response.json();
      if (asked === generation) render(state);
    } catch (error) {
      // The next poll tries again; a dropped request is not worth an alert.
    }
  }

  // Posts run one after another, so a text typed while the previous one is on its
  // way is queued, never dropped, and the phones show them in the order typed.
  let queue = Promise.resolve();
  let pending = 0;

  async function send(url, payload) {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(payload),
      });
      if (response.ok) {
        root.querySelector("[data-error]").textContent = "";
        render(await response.json());
      } else {
        root.querySelector("[data-error]").textContent = "That did not work; try again.";
      }
    } catch (error) {
      root.querySelector("[data-error]").textContent = "No connection; try again.";
    }
  }

  function post(url, payload) {
    pending += 1;
    generation += 1;
    busy = true;
    root.classList.add("is-busy");
    queue = queue
      .then(() => send(url, payload))
      .finally(() => {
        pending -= 1;
        busy = pending > 0;
        if (!busy) root.classList.remove("is-busy");
      });
  }

  root.querySelectorAll("form[data-phone]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const input = form.querySelector("input[name=body]");
      const body = input.value.trim();
      if (!body) return;
      input.value = "";
      post(urls.text, { who: form.dataset.phone, body: body });
    });
  });

  root.querySelectorAll("button[data-advance]").forEach((button) => {
    button.addEventListener("click", () => {
      post(urls.advance, { step: button.dataset.advance });
    });
  });

  refresh();
  setInterval(() => {
    if (!busy) refresh();
  }, POLL_MS);
})();
