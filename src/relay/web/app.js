// The visitor chat page: talks the /chat protocol (docs/protocol.md), keeps the page state and
// handles the visitor's actions; view.js renders that state.
// Nothing the visitor or a counsellor types is ever parsed as markup: all text goes through
// textContent. Nothing is stored in the browser; the relay's HttpOnly cookie does the resuming.

import { DEFAULT_LANGUAGE, LANGUAGES, format } from "./i18n.js";
import { Connection } from "./connection.js";
import { Transcript, newClientId } from "./transcript.js";
import * as view from "./view.js";

const PROTOCOL_VERSION = 1;
const TYPING_IDLE_MS = 4000; // stop "typing" after this long without a key
// The console sends typing:true once and typing:false when idle or sending; this is only a safety
// net in case the "false" is lost, long enough for a long answer.
const TYPING_SHOW_MS = 60000;
const ESCAPE_TWICE_MS = 1500;
// After this long without a connection the banner also offers the phone and email
// (configured as helpline.offline_help_after_s; the relay fills it into index.html).
const LONG_DOWN_MS = offlineHelpAfterMs();
let longDownTimer = null;
// Used only if "leave quickly" is pressed before the relay's welcome arrived.
const FALLBACK_NEUTRAL_URL = "https://www.google.com/search?q=weather";

const $ = (id) => document.getElementById(id);
// The script runs: hide the no-script notice and show the form (style.css keys on these).
document.documentElement.classList.replace("no-js", "js");
// The script speaks the visitor's language: the three-language labels of the no-script page go.
for (const element of document.querySelectorAll(".no-js-only")) element.remove();
// Escape twice works only with the script: only now is the hint part of the button's description.
$("leave").setAttribute("aria-describedby", "leave-hint");

const state = {
  language: initialLanguage(),
  welcome: null, // last welcome frame
  // intro | starting | closed | blocked | busy | queued | active | ended | elsewhere | outdated
  phase: "intro",
  counsellor: null,
  position: null,
  counsellorsOnline: true,
  endReason: null,
  conn: "connecting", // connecting | open | down | restarting
  retrySeconds: 0,
  downSince: null, // when the connection was lost (ms), until a welcome shows it is back
  longDown: false, // down long enough to offer the phone and email instead
  composerError: null, // [key, values]
  typingName: null,
  counsellorAway: false, // the counsellor's connection dropped ("holding")
  chatOpen: true, // false: opening hours ended while waiting
  blockScope: "session", // session | address
  claimCode: null, // shown once after the chat, never stored in the page
  claimAsked: false,
};

const text = (key, values) => format(state.language, key, values);
const transcript = new Transcript($("transcript"), text, () => state.language);
const connection = new Connection(chatUrl(), {
  onConnecting: () => {
    if (state.conn !== "restarting") state.conn = "connecting";
    view.renderConnection(state, text, transcript);
  },
  onOpen: () => connection.send({ type: "hello", version: PROTOCOL_VERSION, language: state.language }),
  onFrame: handleFrame,
  onDown: (delayMs) => {
    state.conn = state.conn === "restarting" ? "restarting" : "down";
    state.retrySeconds = Math.max(1, Math.ceil(delayMs / 1000));
    if (state.downSince === null) {
      state.downSince = Date.now();
      // After a short while, say how else to reach the helpline (once: no repeated noise).
      clearTimeout(longDownTimer);
      longDownTimer = setTimeout(() => {
        if (state.downSince === null) return;
        state.longDown = true;
        render();
      }, LONG_DOWN_MS);
    }
    showTyping(null);
    render();
  },
});

function offlineHelpAfterMs() {
  const meta = document.querySelector('meta[name="offline-help-after"]');
  const seconds = meta ? Number(meta.content) : NaN;
  return Number.isFinite(seconds) && seconds >= 1 ? seconds * 1000 : 20000;
}

function askedLanguage() {
  // A link from the French or English site may say ?lang=fr, and a choice on the page is kept
  // in the address (not in storage), so a reload stays in the visitor's language.
  const asked = new URLSearchParams(location.search).get("lang");
  return LANGUAGES.includes(asked) ? asked : null;
}

function initialLanguage() {
  return askedLanguage() || DEFAULT_LANGUAGE;
}

function chatUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/chat`;
}

// ----- frames from the relay -----

function handleFrame(frame) {
  switch (frame.type) {
    case "welcome":
      return onWelcome(frame);
    case "queued":
      state.phase = "queued";
      state.position = frame.position;
      state.counsellorsOnline = frame.counsellors_online;
      state.chatOpen = frame.open !== false;
      state.counsellor = null;
      return render();
    case "joined":
      state.phase = "active";
      state.counsellor = frame.name;
      state.counsellorAway = false;
      transcript.addNotice("joined", { name: frame.name });
      render();
      return $("message").focus();
    case "message":
      transcript.addStored({
        seq: frame.seq,
        sender: frame.sender,
        name: frame.name,
        text: frame.text,
        at: frame.at,
        clientId: frame.sender === "visitor" ? frame.client_id : null,
      });
      if (frame.sender === "counsellor") showTyping(null);
      return;
    case "ack":
      return transcript.acknowledge(frame.client_id, frame.seq, null);
    case "synced":
      return resendPending();
    case "typing":
      return showTyping(frame.typing ? frame.name || state.counsellor || text("counsellor") : null);
    case "holding":
      showTyping(null);
      if (!state.counsellorAway) transcript.addNotice("holding");
      state.counsellorAway = true;
      return;
    case "resumed":
      if (frame.name) state.counsellor = frame.name;
      // Only worth a line if the counsellor had gone; after our own reconnect it says nothing new.
      if (state.counsellorAway) {
        transcript.addNotice("resumed", { name: state.counsellor || text("counsellor") });
      }
      state.counsellorAway = false;
      return render();
    case "left":
      // The counsellor passed the chat on, or had to stop: said calmly, never as a drop.
      showTyping(null);
      transcript.addNotice(frame.reason === "handover" ? "left_handover" : "left_away", {
        name: state.counsellor || text("counsellor"),
      });
      state.counsellor = null;
      state.counsellorAway = false;
      return render();
    case "ended":
      return onEnded(frame.reason);
    case "claim_code":
      state.claimCode = String(frame.code || "");
      return render();
    case "blocked":
      state.phase = "blocked";
      state.blockScope = frame.scope === "address" ? "address" : "session";
      connection.stop();
      return render();
    case "error":
      return onError(frame);
    case "reconnect":
      state.conn = "restarting";
      render();
      return connection.reconnectAfter(Math.max(0, Number(frame.after_ms) || 0));
    default:
      return; // unknown server frames are ignored (version rule in docs/protocol.md)
  }
}

function onWelcome(frame) {
  state.welcome = frame;
  state.conn = "open";
  state.downSince = null;
  state.longDown = false;
  clearTimeout(longDownTimer);
  connection.settled();
  const resume = frame.resume;
  if (resume && resume.state !== "ended") {
    // A "holding" chat without a counsellor was still waiting when the visitor dropped.
    state.phase = resume.state === "queued" || !resume.counsellor ? "queued" : "active";
    state.counsellor = resume.counsellor;
    if (!askedLanguage() && LANGUAGES.includes(resume.language)) {
      // A reload: the page comes back in the language the chat was started in.
      state.language = resume.language;
      transcript.relabel();
    }
    if (state.phase === "active" && transcript.isEmpty()) {
      // A reload lost the page's own lines; say again who the visitor is talking with.
      transcript.addNotice("joined", { name: resume.counsellor });
    }
    state.position = resume.position;
    state.counsellorsOnline = frame.counsellors_online;
    // Fetch what we missed; the pending messages are resent after "synced".
    connection.send({ type: "sync", after: transcript.contiguousSeq() });
  } else if (state.phase === "queued" || state.phase === "active") {
    // Our conversation is gone: away longer than the resume time, or ended meanwhile.
    onEnded("expired");
    return;
  } else if (state.phase !== "ended" && state.phase !== "blocked") {
    state.phase = frame.open ? "intro" : "closed";
    state.counsellorsOnline = frame.counsellors_online;
  }
  render();
}

function onEnded(reason) {
  state.phase = "ended";
  state.endReason = reason;
  state.counsellor = null;
  showTyping(null);
  render();
}

function onError(frame) {
  switch (frame.code) {
    case "too_long":
      state.composerError = ["too_long", { max: maxChars() }];
      break;
    case "rate_limited":
      state.composerError = ["error_rate", {}];
      break;
    case "closed":
      state.phase = "closed";
      break;
    case "too_many_chats":
      // Several chats from this network already: a calm word, no retry loop.
      state.phase = "busy";
      break;
    case "superseded":
      // Another tab or window took this chat over; retrying here would take it back and forth.
      connection.stop();
      state.phase = "elsewhere";
      break;
    case "version_mismatch":
      connection.stop();
      state.phase = "outdated";
      break;
    case "ended":
    case "not_started":
      if (state.phase === "queued" || state.phase === "active") onEnded("expired");
      else if (state.phase === "starting") state.phase = "intro";
      break;
    default:
      state.composerError = ["error_generic", {}];
  }
  render();
}

function resendPending() {
  // Same client ids as before: the relay stores each message once however often it arrives.
  for (const { clientId, text: body } of transcript.pending()) {
    connection.send({ type: "message", client_id: clientId, text: body });
  }
}

// ----- the visitor's actions -----

function startChat(event) {
  event.preventDefault();
  if (!connection.isOpen) return;
  const nickname = $("nickname").value.trim() || text("default_nickname");
  connection.send({
    type: "start",
    nickname: nickname.slice(0, 64),
    language: state.language,
    intake: { age_group: $("age").value, region: $("region").value, sex: $("sex").value },
  });
  state.phase = "starting";
  state.position = null;
  render();
}

function sendMessage(event) {
  event.preventDefault();
  const box = $("message");
  const body = box.value;
  if (!body.trim()) return;
  if (body.length > maxChars()) {
    state.composerError = ["too_long", { max: maxChars() }];
    render();
    return;
  }
  const clientId = newClientId();
  transcript.addPending(clientId, body);
  box.value = "";
  state.composerError = null;
  stopTyping();
  connection.send({ type: "message", client_id: clientId, text: body });
  render();
}

let typingSent = false;
let typingTimer = null;

function noteTyping() {
  if (state.phase !== "active") return;
  if (!typingSent && connection.send({ type: "typing", typing: true })) typingSent = true;
  clearTimeout(typingTimer);
  typingTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
}

function stopTyping() {
  clearTimeout(typingTimer);
  if (typingSent) connection.send({ type: "typing", typing: false });
  typingSent = false;
}

let typingHideTimer = null;

function showTyping(name) {
  clearTimeout(typingHideTimer);
  state.typingName = name;
  if (name) typingHideTimer = setTimeout(() => showTyping(null), TYPING_SHOW_MS);
  view.renderTyping(state, text);
}

function endChat() {
  connection.send({ type: "leave" });
  onEnded("visitor");
}

function continueHere() {
  state.phase = "active";
  connection.start();
  render();
}

function askClaimCode() {
  state.claimAsked = true;
  connection.send({ type: "claim" });
  render();
}

function newChat() {
  transcript.clear();
  state.claimCode = null;
  state.claimAsked = false;
  state.phase = "intro";
  state.endReason = null;
  state.composerError = null;
  // A fresh connection gets a fresh welcome (opening hours may have changed meanwhile).
  connection.restart();
  render();
}

/** Clear everything and go to a neutral site, leaving no history entry for this page. */
function leaveQuickly(event) {
  if (event) event.preventDefault(); // the link's own navigation would keep a history entry
  const target =
    (state.welcome && state.welcome.neutral_url) || $("leave").href || FALLBACK_NEUTRAL_URL;
  // Ending the conversation voids the resume cookie, so someone else opening the page on this
  // device within five minutes does not see the chat.
  connection.send({ type: "leave", quick: true });
  connection.stop();
  document.title = "";
  document.body.replaceChildren();
  location.replace(target);
}

let lastEscape = 0;

function onKey(event) {
  if (event.key !== "Escape") return;
  const now = Date.now();
  if (now - lastEscape < ESCAPE_TWICE_MS) leaveQuickly();
  lastEscape = now;
}

function setLanguage(lang) {
  if (!LANGUAGES.includes(lang) || lang === state.language) return;
  state.language = lang;
  const url = new URL(location.href);
  url.searchParams.set("lang", lang);
  history.replaceState(null, "", url); // a reload keeps it; no new history entry
  transcript.relabel();
  render();
}

function maxChars() {
  return (state.welcome && state.welcome.max_message_chars) || 4000;
}

function render() {
  view.render(state, text, transcript);
}

// ----- wiring -----

$("intake").addEventListener("submit", startChat);
$("composer").addEventListener("submit", sendMessage);
$("message").addEventListener("input", noteTyping);
$("message").addEventListener("keydown", (event) => {
  // Enter sends, Shift+Enter is a new line (as in most chat apps).
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) sendMessage(event);
});
$("end").addEventListener("click", endChat);
$("new-chat").addEventListener("click", newChat);
$("claim-button").addEventListener("click", askClaimCode);
$("continue-here").addEventListener("click", continueHere);
$("leave").addEventListener("click", leaveQuickly);
for (const button of document.querySelectorAll("button.lang")) {
  button.addEventListener("click", () => setLanguage(button.dataset.lang));
}
document.addEventListener("keydown", onKey);

render();
connection.start();
