// Rendering of the visitor page: every dynamic text and every view's visibility is set here,
// from the page state, and only through textContent and attributes (never as markup).

const $ = (id) => document.getElementById(id);

export function render(state, text, transcript) {
  const lang = state.language;
  document.documentElement.lang = lang;
  for (const element of document.querySelectorAll("[data-i18n]")) {
    element.textContent = text(element.dataset.i18n);
  }
  for (const element of document.querySelectorAll("[data-i18n-label]")) {
    element.setAttribute("aria-label", text(element.dataset.i18nLabel));
  }
  for (const button of document.querySelectorAll("button.lang")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === lang));
  }
  const welcome = state.welcome || {};
  const inChat = ["starting", "queued", "active"].includes(state.phase);
  // During a chat the notice shrinks to one sentence, so the conversation fits a phone screen.
  document.body.dataset.phase = state.phase;
  $("emergency").classList.toggle("compact", inChat);
  $("emergency-text").textContent = text(inChat ? "emergency_short" : "emergency_text", {
    police: welcome.police_number || "101",
    medical: welcome.medical_number || "112",
  });
  renderConnection(state, text, transcript);
  renderViews(state, text, welcome);
  renderTyping(state, text);
}

export function renderConnection(state, text, transcript) {
  const banner = $("connection");
  let message = null;
  if (state.conn === "down") message = `${text("conn_lost", { seconds: state.retrySeconds })}`;
  else if (state.conn === "restarting") message = text("server_restart");
  else if (state.conn === "connecting" && state.welcome) message = text("conn_retrying");
  if (message && transcript.pending().length > 0) message += ` ${text("conn_down_note")}`;
  banner.hidden = message === null;
  banner.textContent = message || "";
  banner.dataset.state = state.conn;
  $("start").disabled = state.conn !== "open" || state.phase === "starting";
}

// Where the keyboard focus goes when the page changes to a view that ends the chat flow, so a
// screen reader announces the new situation instead of staying on a vanished button.
const FOCUS_ON = {
  closed: "closed-heading",
  blocked: "blocked-heading",
  ended: "ended-heading",
  elsewhere: "elsewhere-text",
  outdated: "elsewhere-text",
};
let shownPhase = null;

function renderViews(state, text, welcome) {
  const phase = state.phase;
  const inChat = phase === "starting" || phase === "queued" || phase === "active";
  $("view-intro").hidden = phase !== "intro";
  $("view-closed").hidden = phase !== "closed";
  $("view-blocked").hidden = phase !== "blocked";
  $("view-chat").hidden = !inChat;
  $("view-ended").hidden = phase !== "ended";
  $("view-elsewhere").hidden = phase !== "elsewhere" && phase !== "outdated";
  $("elsewhere-text").textContent = text(phase === "outdated" ? "outdated" : "elsewhere");
  $("continue-here").hidden = phase !== "elsewhere";

  $("closed-next").textContent = welcome.next_opening
    ? text("closed_next", { when: formatOpening(welcome.next_opening, state.language) })
    : text("closed_unknown");

  const nobody = !state.counsellorsOnline && (phase === "intro" || phase === "queued");
  const nobodyBox = $("nobody");
  nobodyBox.hidden = !nobody;
  if (phase === "intro") $("intro-heading").after(nobodyBox);
  else $("queue").before(nobodyBox);
  $("nobody-text").textContent = text("nobody_text", { email: welcome.email || "" });

  $("queue").hidden = !(phase === "queued" || phase === "starting");
  $("queue-position").textContent =
    state.position === null
      ? text("connecting")
      : state.position <= 1
        ? text("queue_next")
        : text("queue_position", { position: state.position });
  $("chat-heading").textContent =
    phase === "active" && state.counsellor
      ? text("chat_with", { name: state.counsellor })
      : text("chat_waiting");
  $("composer").hidden = phase !== "active";
  $("end").hidden = !inChat;
  const error = $("composer-error");
  error.hidden = state.composerError === null;
  error.textContent = state.composerError ? text(...state.composerError) : "";
  // The claim code arrives as text and is shown as text, once (R1-R6).
  $("claim-button").hidden = Boolean(state.claimCode);
  $("claim-button").disabled = state.claimAsked;
  $("claim-code").hidden = !state.claimCode;
  $("claim-code").textContent = state.claimCode || "";
  $("claim-note").hidden = !state.claimCode;
  const endedNote = $("ended-reason");
  endedNote.hidden = state.endReason !== "expired";
  endedNote.textContent = text("ended_expired");

  if (phase !== shownPhase) {
    shownPhase = phase;
    if (FOCUS_ON[phase]) $(FOCUS_ON[phase]).focus();
  }

  const showAlternatives = phase === "closed" || phase === "blocked" || phase === "ended";
  $("alternatives").hidden = !(showAlternatives && welcome.email);
  setLink($("alt-email"), text("alt_email", { email: welcome.email || "" }), `mailto:${welcome.email}`);
  setLink($("alt-phone"), text("alt_phone", { phone: welcome.phone || "" }), `tel:${welcome.phone}`);
}

function setLink(item, label, href) {
  const link = document.createElement("a");
  link.href = href;
  link.textContent = label;
  item.replaceChildren(link);
}

export function renderTyping(state, text) {
  const line = $("typing");
  line.hidden = !state.typingName || state.phase !== "active";
  line.textContent = state.typingName ? text("typing", { name: state.typingName }) : "";
}

function formatOpening(iso, language) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return date.toLocaleString(language, {
    weekday: "long",
    day: "numeric",
    month: "long",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "Europe/Brussels",
  });
}
