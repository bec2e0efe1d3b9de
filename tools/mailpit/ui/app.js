// Cartograph's page for the Mailpit that `pnpm start` runs (see ../README.md): the module proxy's
// Mailpit has no web UI bundle (it is built with npm outside the Go module), so this file takes the
// place of dist/app.js in the build. It reads Mailpit's own API: the newest messages, then one
// message's HTML or text part. Plain JavaScript and no framework, so nothing else needs building.
/* global document, fetch, confirm, history, location, setInterval, setTimeout -- it runs in the browser, not in Node */
(() => {
  const app = document.getElementById("app");
  const root = app.dataset.webroot || "/";
  const api = (path) => `${root}${path}`;

  const element = (tag, attributes = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "onclick") node.addEventListener("click", value);
      else node.setAttribute(name, value);
    }
    // Text only: a message's fields are never parsed as markup here.
    for (const child of children) node.append(child);
    return node;
  };
  const address = (a) => (a ? (a.Name ? `${a.Name} <${a.Address}>` : a.Address) : "");
  const when = (iso) => new Date(iso).toLocaleString();

  const list = element("ul", { class: "messages" });
  const status = element("span", { class: "status" });
  const viewer = element("section", { class: "viewer" }, element("p", { class: "hint" }, "Select a message."));
  let selected = null;
  let part = "html";

  const show = (message) => {
    selected = message.ID;
    // A link to the message: the page opens on it again (`#<id>`).
    history.replaceState(null, "", `#${encodeURIComponent(message.ID)}`);
    for (const item of list.children) item.classList.toggle("selected", item.dataset.id === selected);
    const tab = (name, label) =>
      element(
        "button",
        {
          class: part === name ? "tab active" : "tab",
          onclick: () => {
            part = name;
            show(message);
          },
        },
        label,
      );
    // The HTML part in a sandboxed frame: its scripts (if any) never run, its links open apart.
    const body =
      part === "html"
        ? element("iframe", {
            src: api(`view/${encodeURIComponent(message.ID)}.html`),
            sandbox: "allow-popups allow-popups-to-escape-sandbox",
            title: "HTML part",
          })
        : element("iframe", {
            src: api(`view/${encodeURIComponent(message.ID)}.txt`),
            sandbox: "",
            title: "Text part",
          });
    viewer.replaceChildren(
      element("h2", {}, message.Subject || "(no subject)"),
      element(
        "dl",
        {},
        element("dt", {}, "From"),
        element("dd", {}, address(message.From)),
        element("dt", {}, "To"),
        element("dd", {}, (message.To || []).map(address).join(", ")),
        element("dt", {}, "Received"),
        element("dd", {}, when(message.Created)),
      ),
      element(
        "nav",
        {},
        tab("html", "HTML"),
        tab("text", "Text"),
        element("a", { href: api(`api/v1/message/${encodeURIComponent(message.ID)}/raw`), target: "_blank" }, "Source"),
      ),
      body,
    );
  };

  let shown = "";
  const refresh = async () => {
    try {
      const response = await fetch(api("api/v1/messages?limit=100"));
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const { messages, total } = await response.json();
      status.textContent = `${total} message${total === 1 ? "" : "s"}`;
      // Redraw only when the list changed, so a poll does not reset what is being read.
      const key = messages.map((m) => m.ID).join(",");
      if (key === shown) return;
      shown = key;
      const linked = decodeURIComponent(location.hash.slice(1));
      if (!selected && linked) {
        const message = messages.find((m) => m.ID === linked);
        if (message) setTimeout(() => show(message));
      }
      list.replaceChildren(
        ...messages.map((message) => {
          const item = element(
            "li",
            { "data-id": message.ID, onclick: () => show(message) },
            element("span", { class: "subject" }, message.Subject || "(no subject)"),
            element("span", { class: "to" }, `to ${(message.To || []).map((a) => a.Address).join(", ")}`),
            element("span", { class: "when" }, when(message.Created)),
          );
          if (message.ID === selected) item.classList.add("selected");
          return item;
        }),
      );
    } catch (error) {
      status.textContent = `Mailpit did not answer (${error.message})`;
    }
  };

  const clear = async () => {
    if (!confirm("Delete every message?")) return;
    await fetch(api("api/v1/messages"), { method: "DELETE" });
    selected = null;
    viewer.replaceChildren(element("p", { class: "hint" }, "Select a message."));
    await refresh();
  };

  app.replaceChildren(
    element(
      "header",
      {},
      element("h1", {}, "Cartograph mail"),
      status,
      element("button", { class: "clear", onclick: clear }, "Delete all"),
    ),
    element("main", {}, list, viewer),
  );
  refresh();
  // Emails arrive when the notifications service's sender gets to them: a poll every 2 s is enough.
  setInterval(refresh, 2000);
})();
