// Klimaatbot sandbox page: JSON to the sandbox, server-sent events back; no framework.
// What the bot writes arrives as a tree of nodes and is built with DOM calls: it is shown,
// never parsed as markup by the browser and never run.
"use strict";

const WORDS = {
  nl: {
    sandbox: "sandbox", who: "Wie ben je?", morning: "Volgende werkochtend 9:00",
    day: "+1 dag", week: "+1 week", go: "Ga", reset: "Opnieuw beginnen",
    live: "Dit is een ingebouwde Telegram, geen echte. Live gaan: zet TELEGRAM_BOT_TOKEN in .env en start opnieuw.",
    message: "Bericht", private: "privé met de bot", group: "groep", forum: "groep met topics",
    general: "Algemeen", newTopic: "+ topic", topicName: "naam van het topic",
    reply: "Antwoord", edited: "bewerkt", empty: "Nog geen berichten.", resetAsk: "Alles wissen en opnieuw beginnen?",
    sentLater_one: "{n} bericht verstuurd terwijl de tijd verstreek",
    sentLater_other: "{n} berichten verstuurd terwijl de tijd verstreek",
    starting: "De sandbox start…",
    madeTopic: "maakte het topic",
  },
  en: {
    sandbox: "sandbox", who: "Who are you?", morning: "Next working morning 9:00",
    day: "+1 day", week: "+1 week", go: "Go", reset: "Start over",
    live: "This is a built-in Telegram, not the real one. To go live: put TELEGRAM_BOT_TOKEN in .env and start again.",
    message: "Message", private: "private chat with the bot", group: "group", forum: "group with topics",
    general: "General", newTopic: "+ topic", topicName: "topic name",
    reply: "Reply", edited: "edited", empty: "No messages yet.", resetAsk: "Erase everything and start over?",
    sentLater_one: "{n} message sent while time passed",
    sentLater_other: "{n} messages sent while time passed",
    starting: "The sandbox is starting…",
    madeTopic: "created the topic",
  },
  fr: {
    sandbox: "bac à sable", who: "Qui êtes-vous ?", morning: "Prochain matin ouvrable 9:00",
    day: "+1 jour", week: "+1 semaine", go: "Aller", reset: "Recommencer",
    live: "Ceci est un Telegram intégré, pas le vrai. Pour passer en ligne : TELEGRAM_BOT_TOKEN dans .env, puis redémarrer.",
    message: "Message", private: "conversation privée avec le bot", group: "groupe", forum: "groupe avec sujets",
    general: "Général", newTopic: "+ sujet", topicName: "nom du sujet",
    reply: "Répondre", edited: "modifié", empty: "Pas encore de messages.", resetAsk: "Tout effacer et recommencer ?",
    sentLater_one: "{n} message envoyé pendant que le temps passait",
    sentLater_other: "{n} messages envoyés pendant que le temps passait",
    starting: "Le bac à sable démarre…",
    madeTopic: "a créé le sujet",
  },
};
const LANG = (() => {
  const asked = new URLSearchParams(location.search).get("lang");
  const wanted = [asked, ...(navigator.languages || [navigator.language])];
  for (const tag of wanted) {
    const code = (tag || "").slice(0, 2).toLowerCase();
    if (WORDS[code]) return code;
  }
  return "en";
})();
const T = (key) => WORDS[LANG][key] || WORDS.en[key] || key;
const PLURAL = new Intl.PluralRules(LANG);
const TN = (key, n) => T(`${key}_${PLURAL.select(n) === "one" ? "one" : "other"}`).replace("{n}", String(n));

const $ = (id) => document.getElementById(id);
const state = {
  personas: [], chats: [], messages: new Map(), clock: null,
  persona: localStorage.getItem("kb.persona") || "",
  chat: localStorage.getItem("kb.chat") === null ? null : Number(localStorage.getItem("kb.chat")),
  thread: JSON.parse(localStorage.getItem("kb.thread") || "null"),
  replyTo: null, commands: [], menuIndex: 0, drafts: {},
  seen: JSON.parse(localStorage.getItem("kb.seen") || "{}"),
};

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

// --- Telegram's HTML subset, from the server's tree of nodes --------------------------------
const TAGS = {
  b: "strong", strong: "strong", i: "em", em: "em", u: "u", ins: "u", s: "s", strike: "s",
  del: "s", code: "code", pre: "pre", blockquote: "blockquote", span: "span",
  "tg-spoiler": "span", "tg-emoji": "span", a: "a",
};
function safeHref(href) {
  try {
    const url = new URL(href);
    return ["http:", "https:", "mailto:"].includes(url.protocol) ? url.href : null;
  } catch (_) {
    return null;
  }
}
function buildNodes(nodes, parent) {
  for (const node of nodes) {
    if (typeof node === "string") {
      parent.append(document.createTextNode(node));
      continue;
    }
    let child;
    if (node.tag === "a") {
      const href = safeHref(node.href || "");
      child = href
        ? el("a", { href, target: "_blank", rel: "noopener noreferrer" })
        : el("span", { class: "mention" });
    } else {
      child = document.createElement(TAGS[node.tag] || "span");
      if (node.tag === "tg-spoiler" || (node.tag === "span" && node.class === "tg-spoiler")) {
        child.className = "spoiler";
      }
    }
    buildNodes(node.children || [], child);
    parent.append(child);
  }
}

// --- talking to the sandbox -------------------------------------------------------------------
async function api(path, body) {
  const response = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

let toastTimer = null;
function toast(text, error = false) {
  const box = $("toast");
  box.textContent = text;
  box.className = error ? "error" : "";
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, error ? 5000 : 2500);
}

async function loadState() {
  const data = await api("/api/state");
  state.personas = data.personas;
  state.chats = data.chats;
  state.messages = new Map(data.messages.map((m) => [m.key, m]));
  state.clock = data.clock;
  if (!state.personas.some((p) => p.key === state.persona)) state.persona = state.personas[0].key;
  if (state.chat !== 0 && !state.chats.some((c) => c.id === state.chat)) state.chat = state.chats[0].id;
  const chat = currentChat();
  if (!chat || !chat.forum || !chat.topics.some((t) => t.id === state.thread)) state.thread = null;
  if (!data.ready) toast(T("starting"));
  renderAll();
  await loadCommands();
}

function listen() {
  const source = new EventSource("/api/events");
  let broken = false;
  source.onerror = () => { broken = true; };
  source.onopen = () => { if (broken) { broken = false; loadState(); } };
  source.onmessage = (event) => {
    const data = JSON.parse(event.data);
    if (data.type === "message") {
      state.messages.set(data.message.key, data.message);
      if (isShown(data.message)) upsertMessage(data.message, true);
      renderChats();
    } else if (data.type === "clock") {
      state.clock = data.clock;
      renderClock();
    } else if (data.type === "chats") {
      state.chats = data.chats;
      renderChats();
      renderTopics();
    } else if (data.type === "reset") {
      state.replyTo = null;
      state.seen = {};
      localStorage.removeItem("kb.seen");
      loadState();
    }
  };
}

// --- who, where -------------------------------------------------------------------------------
const me = () => state.personas.find((p) => p.key === state.persona);
const chatId = () => (state.chat === 0 ? me().id : state.chat);
const currentChat = () => state.chats.find((c) => c.id === state.chat);

function isShown(message) {
  if (message.chat !== chatId()) return false;
  const chat = currentChat();
  if (!chat || !chat.forum) return true;
  return (message.thread ?? null) === (state.thread ?? null);
}

// Each chat keeps what was being typed in it, as Telegram keeps drafts.
const draftKey = () => `${state.persona}|${state.chat}|${state.thread}`;

function save() {
  localStorage.setItem("kb.persona", state.persona);
  localStorage.setItem("kb.chat", String(state.chat));
  localStorage.setItem("kb.thread", JSON.stringify(state.thread));
}

function choose(chat, thread = null) {
  const input = $("input");
  state.drafts[draftKey()] = input.value;
  state.chat = chat;
  state.thread = thread;
  state.replyTo = null;
  save();
  input.value = state.drafts[draftKey()] || "";
  closeMenu();
  $("app").classList.add("show-chat");
  renderAll();
  loadCommands();
  $("input").focus();
}

// --- drawing ----------------------------------------------------------------------------------
function renderAll() {
  renderPersonas();
  renderChats();
  renderHead();
  renderTopics();
  renderMessages();
  renderClock();
  renderReply();
}

function renderPersonas() {
  const select = $("persona");
  select.replaceChildren(
    ...state.personas.map((p) =>
      el("option", { value: p.key }, `${p.name} — ${p.role}${p.username ? ` (@${p.username})` : ""}`)
    )
  );
  select.value = state.persona;
}

function chatKey(id) { return id === 0 ? `p${state.persona}` : String(id); }

function unreadIn(id) {
  const target = id === 0 ? me().id : id;
  const seen = state.seen[chatKey(id)] || 0;
  let count = 0;
  for (const m of state.messages.values()) {
    if (m.chat === target && m.id > seen && m.from && m.from.bot && !m.deleted) count += 1;
  }
  return count;
}

function initials(title) {
  return title.split(/\s+/).filter(Boolean).slice(-2).map((w) => w[0]).join("").toUpperCase();
}

function renderChats() {
  if (!me()) return;
  const entries = [
    ...state.chats.map((c) => ({ id: c.id, title: c.title, sub: T(c.forum ? "forum" : "group") })),
    { id: 0, title: "Klimaatbot", sub: T("private") },
  ];
  $("chats").replaceChildren(
    ...entries.map((entry) => {
      const unread = entry.id === state.chat ? 0 : unreadIn(entry.id);
      return el(
        "button",
        {
          type: "button", class: `chat-item${entry.id === state.chat ? " active" : ""}`,
          dataset: { chat: String(entry.id) }, onclick: () => choose(entry.id),
        },
        el("span", { class: "avatar", "aria-hidden": "true" }, entry.id === 0 ? "🤖" : initials(entry.title)),
        el("span", { class: "name" }, entry.title, el("br"), el("small", {}, entry.sub)),
        unread ? el("span", { class: "unread" }, String(unread)) : null
      );
    })
  );
}

function renderHead() {
  const chat = currentChat();
  $("chat-title").textContent = chat ? chat.title : "Klimaatbot";
  $("chat-sub").textContent = chat ? T(chat.forum ? "forum" : "group") : `${me().name} · ${T("private")}`;
  $("input").placeholder = T("message");
}

function renderTopics() {
  const chat = currentChat();
  const bar = $("topics");
  if (!chat || !chat.forum) {
    bar.hidden = true;
    bar.replaceChildren();
    return;
  }
  bar.hidden = false;
  const topics = [{ id: null, name: T("general") }, ...chat.topics];
  const input = el("input", { type: "text", placeholder: T("topicName"), "aria-label": T("topicName"), hidden: true });
  input.addEventListener("keydown", async (event) => {
    if (event.key !== "Enter" || !input.value.trim()) return;
    event.preventDefault();
    try {
      const made = await api("/api/topic", { persona: state.persona, chat: state.chat, name: input.value });
      choose(state.chat, made.thread);
    } catch (error) { toast(error.message, true); }
  });
  bar.replaceChildren(
    ...topics.map((topic) =>
      el("button", {
        type: "button", class: (topic.id ?? null) === (state.thread ?? null) ? "active" : "",
        dataset: { thread: String(topic.id ?? "") },
        onclick: () => choose(state.chat, topic.id),
      }, topic.id === null ? topic.name : `# ${topic.name}`)
    ),
    el("button", { type: "button", class: "new-topic", onclick: () => { input.hidden = false; input.focus(); } }, T("newTopic")),
    input
  );
}

function renderMessages() {
  const box = $("messages");
  box.replaceChildren();
  const shown = [...state.messages.values()].filter(isShown).sort((a, b) => a.id - b.id);
  for (const message of shown) upsertMessage(message, false);
  if (!shown.length) box.append(el("div", { class: "empty-chat" }, T("empty")));
  box.scrollTop = box.scrollHeight;
  markSeen();
}

function markSeen() {
  let top = 0;
  for (const m of state.messages.values()) if (m.chat === chatId()) top = Math.max(top, m.id);
  state.seen[chatKey(state.chat)] = top;
  localStorage.setItem("kb.seen", JSON.stringify(state.seen));
}

function upsertMessage(message, live) {
  const box = $("messages");
  const old = box.querySelector(`[data-key="${message.key}"]`);
  if (message.deleted) {
    if (old) old.remove();
    return;
  }
  const node = drawMessage(message);
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  if (old) {
    old.replaceWith(node);
  } else {
    box.querySelector(".empty-chat")?.remove();
    const later = [...box.children].find((child) => Number(child.dataset.id) > message.id);
    box.insertBefore(node, later || null);
    if (live && (nearBottom || (message.from && message.from.key === state.persona))) {
      box.scrollTop = box.scrollHeight;
    }
  }
  if (live) markSeen();
}

function drawMessage(message) {
  const from = message.from || { name: "?" };
  if (message.service) {
    return el("div", { class: "msg service", dataset: { key: message.key, id: String(message.id) } },
      `${from.name} ${T("madeTopic")} ${message.text}`);
  }
  const mine = !from.bot && from.key === state.persona;
  const node = el("div", {
    class: `msg${from.bot ? " bot" : ""}${mine ? " mine" : ""}`,
    dataset: { key: message.key, id: String(message.id) },
  });
  if (!mine && state.chat !== 0) {
    node.append(el("div", { class: `sender${from.bot ? " bot" : ""}` }, from.name));
  }
  if (message.reply_to) {
    const quoted = message.reply_to;
    node.append(el("div", { class: "quote", onclick: () => flash(`${message.chat}:${quoted.id}`) },
      el("strong", {}, quoted.name), el("span", {}, quoted.text)));
  }
  if (message.document) {
    const doc = message.document;
    node.append(el("a", { class: "doc", href: doc.url, download: doc.name },
      el("span", { class: "icon", "aria-hidden": "true" }, "⬇"),
      el("span", {}, el("span", { class: "doc-name" }, doc.name), el("br"),
        el("span", { class: "size" }, `${(doc.size / 1024).toFixed(1)} kB`))));
  }
  const body = el("div", { class: "body" });
  if (message.html) buildNodes(message.html, body);
  else body.textContent = message.text || "";
  if (body.childNodes.length) node.append(body);
  if (message.buttons && message.buttons.length) {
    node.append(el("div", { class: "kb" }, ...message.buttons.map((row) =>
      el("div", { class: "row" }, ...row.map((button) =>
        button.url
          ? (safeHref(button.url) ? el("a", { href: safeHref(button.url), target: "_blank", rel: "noopener noreferrer" }, button.text) : el("button", { type: "button", disabled: true }, button.text))
          : el("button", { type: "button", onclick: () => press(message, button) }, button.text)
      ))
    )));
  }
  node.append(el("div", { class: "meta" },
    message.edited ? el("span", { class: "edited" }, T("edited")) : null,
    el("span", { class: "time" }, message.time),
    el("button", { type: "button", class: "reply-btn", title: T("reply"), "aria-label": T("reply"),
      onclick: () => startReply(message) }, "↩")
  ));
  return node;
}

function flash(key) {
  const target = $("messages").querySelector(`[data-key="${key}"]`);
  if (!target) return;
  target.scrollIntoView({ block: "center" });
  target.classList.add("flash");
  setTimeout(() => target.classList.remove("flash"), 1200);
}

function renderClock() {
  if (!state.clock) return;
  const moment = new Date(state.clock.now);
  const days = { nl: "nl-BE", en: "en-GB", fr: "fr-BE" };
  $("clock").textContent = moment.toLocaleString(days[LANG], {
    weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit",
    timeZone: "Europe/Brussels",
  });
  const input = $("t-moment");
  if (!input.value || input.value < state.clock.local) input.value = state.clock.local;
}

function startReply(message) {
  state.replyTo = message;
  renderReply();
  $("input").focus();
}

function renderReply() {
  const bar = $("reply-bar");
  const message = state.replyTo;
  bar.hidden = !message;
  if (!message) return;
  $("reply-name").textContent = (message.from || {}).name || "";
  const text = message.text || (message.document ? message.document.name : textOf(message.html || []));
  $("reply-text").textContent = text.slice(0, 120);
}

function textOf(nodes) {
  return nodes.map((n) => (typeof n === "string" ? n : textOf(n.children || []))).join("");
}

// --- acting -----------------------------------------------------------------------------------
async function send() {
  const input = $("input");
  const text = input.value;
  if (!text.trim()) return;
  const reply = state.replyTo;
  input.value = "";
  state.replyTo = null;
  renderReply();
  closeMenu();
  autosize();
  try {
    await api("/api/send", {
      persona: state.persona, chat: state.chat, text, thread: state.thread,
      reply_to: reply ? reply.id : null,
    });
  } catch (error) {
    if (!input.value) input.value = text;
    toast(error.message, true);
  }
}

async function press(message, button) {
  try {
    const answer = await api("/api/press", {
      persona: state.persona, chat: state.chat, message: message.id, data: button.data,
    });
    if (answer.notice) toast(answer.notice);
  } catch (error) {
    toast(error.message, true);
  }
}

async function moveTime(to) {
  const buttons = document.querySelectorAll("#time button");
  buttons.forEach((b) => { b.disabled = true; });
  try {
    const result = await api("/api/time", { to });
    state.clock = result.clock;
    renderClock();
    if (result.sent) toast(TN("sentLater", result.sent));
  } catch (error) {
    toast(error.message, true);
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

// --- the command menu: what the bot set with setMyCommands for this chat and person ---------
let commandsAsked = 0;
async function loadCommands() {
  const asked = ++commandsAsked;
  let commands = [];
  try {
    commands = await api(`/api/commands?persona=${encodeURIComponent(state.persona)}&chat=${state.chat}`);
  } catch (_) {
    commands = [];
  }
  if (asked !== commandsAsked) return; // a later chat or person was chosen meanwhile
  state.commands = commands;
  if (!$("menu").hidden || menuMatches()) renderMenu(menuMatches() === null);
}

function menuMatches() {
  const value = $("input").value;
  if (!/^\/\S*$/.test(value)) return null;
  const prefix = value.slice(1).toLowerCase();
  return state.commands.filter((c) => c.command.startsWith(prefix));
}

function renderMenu(all = false) {
  const list = $("menu");
  const matches = all ? state.commands : menuMatches();
  if (!matches || !matches.length) {
    closeMenu();
    return;
  }
  state.menuIndex = Math.min(state.menuIndex, matches.length - 1);
  list.replaceChildren(...matches.map((command, index) =>
    el("li", {
      role: "option", class: index === state.menuIndex ? "active" : "",
      dataset: { command: command.command },
      onmousedown: (event) => { event.preventDefault(); pick(command.command); },
    }, el("span", { class: "cmd" }, `/${command.command}`), el("span", { class: "desc" }, command.description))
  ));
  list.hidden = false;
}

function closeMenu() {
  $("menu").hidden = true;
  state.menuIndex = 0;
}

function pick(command) {
  const input = $("input");
  input.value = `/${command} `;
  closeMenu();
  input.focus();
}

function autosize() {
  const input = $("input");
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight, 140)}px`;
}

function wire() {
  let blurTimer = null;
  document.querySelectorAll("[data-t]").forEach((node) => { node.textContent = T(node.dataset.t); });
  document.documentElement.lang = LANG;
  $("persona").addEventListener("change", (event) => {
    state.drafts[draftKey()] = $("input").value;
    state.persona = event.target.value;
    $("input").value = state.drafts[draftKey()] || "";
    closeMenu();
    state.replyTo = null;
    save();
    renderAll();
    loadCommands();
  });
  $("composer").addEventListener("submit", (event) => { event.preventDefault(); send(); });
  const input = $("input");
  input.addEventListener("input", () => {
    clearTimeout(blurTimer);
    state.menuIndex = 0;
    renderMenu();
    autosize();
  });
  input.addEventListener("keydown", (event) => {
    const open = !$("menu").hidden;
    if (open && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      state.menuIndex = Math.max(0, state.menuIndex + (event.key === "ArrowDown" ? 1 : -1));
      renderMenu(menuMatches() === null);
    } else if (open && event.key === "Tab") {
      event.preventDefault();
      const active = $("menu").querySelector("li.active");
      if (active) pick(active.dataset.command);
    } else if (event.key === "Escape") {
      closeMenu();
      state.replyTo = null;
      renderReply();
    } else if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  });
  input.addEventListener("blur", () => { blurTimer = setTimeout(closeMenu, 150); });
  input.addEventListener("focus", () => clearTimeout(blurTimer));
  $("menu-button").addEventListener("click", () => {
    if ($("menu").hidden) { renderMenu(true); $("input").focus(); } else closeMenu();
  });
  $("reply-cancel").addEventListener("click", () => { state.replyTo = null; renderReply(); });
  $("back").addEventListener("click", () => $("app").classList.toggle("show-chat"));
  $("t-morning").addEventListener("click", () => moveTime("morning"));
  $("t-day").addEventListener("click", () => moveTime("day"));
  $("t-week").addEventListener("click", () => moveTime("week"));
  $("t-go").addEventListener("click", () => moveTime($("t-moment").value));
  $("reset").addEventListener("click", async () => {
    if (!confirm(T("resetAsk"))) return;
    try { await api("/api/reset", {}); } catch (error) { toast(error.message, true); }
  });
}

wire();
loadState().then(listen).catch((error) => toast(error.message, true));
