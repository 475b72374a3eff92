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
  setTextWithNumbers($("emergency-text"), text, inChat ? "emergency_short" : "emergency_text", {
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
  // While the connection is lost, one steady sentence: a screen reader hears it once, not at
  // every retry (no countdown, no flipping between "lost" and "reconnecting").
  if (state.conn === "restarting") message = text("server_restart");
  else if (state.downSince !== null) message = text("conn_lost_steady");
  else if (state.conn === "connecting" && state.welcome) message = text("conn_retrying");
  if (message && transcript.pending().length > 0) message += ` ${text("conn_down_note")}`;
  banner.classList.toggle("quiet", message === null);
  if (banner.dataset.message !== (message || "")) {
    banner.dataset.message = message || "";
    banner.textContent = message || "";
    if (message && state.longDown) appendAlternatives(banner, state, text);
  } else if (message && state.longDown && !banner.querySelector("a")) {
    appendAlternatives(banner, state, text);
  }
  banner.dataset.state = state.conn;
  $("start").disabled = state.conn !== "open" || state.phase === "starting";
}

/** "It does not work? Call 1712 or email ...", with tappable links, from the relay's welcome or
 * (when the relay never answered) from the facts the page was served with. */
function appendAlternatives(banner, state, text) {
  const welcome = state.welcome || {};
  const tel = document.querySelector('#no-script a[href^="tel:"]');
  const mail = document.querySelector('#no-script a[href^="mailto:"]');
  const phone = welcome.phone || (tel ? tel.textContent : "");
  const email = welcome.email || (mail ? mail.textContent : "");
  if (!phone && !email) return;
  const line = document.createElement("span");
  line.className = "alternatives-now";
  line.append(document.createTextNode(` ${text("conn_long_down")} `));
  if (phone) {
    const link = document.createElement("a");
    link.href = `tel:${phone.replace(/[^0-9+]/g, "")}`;
    link.textContent = phone;
    line.append(link);
  }
  if (phone && email) line.append(document.createTextNode(" · "));
  if (email) {
    const link = document.createElement("a");
    link.href = `mailto:${email}`;
    link.textContent = email;
    line.append(link);
  }
  banner.append(line);
}

// Where the keyboard focus goes when the page changes view, so a screen reader announces the new
// situation instead of the focus dropping to the page body from a vanished button (Start, New
// chat). Not when the page first opens: the visitor starts at the top, as on any page.
const FOCUS_ON = {
  intro: "intro-heading",
  starting: "chat-heading",
  queued: "chat-heading",
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
  // After the end the conversation stays readable (advice, numbers, a referral) until the
  // visitor starts anew or leaves quickly.
  $("view-chat").hidden = !inChat && phase !== "ended";
  $("view-ended").hidden = phase !== "ended";
  $("view-elsewhere").hidden = !["elsewhere", "outdated", "busy"].includes(phase);
  $("elsewhere-text").textContent = text(
    phase === "outdated" ? "outdated" : phase === "busy" ? "busy" : "elsewhere",
  );
  $("continue-here").hidden = phase !== "elsewhere";

  $("closed-next").textContent = welcome.next_opening
    ? text("closed_next", { when: formatOpening(welcome.next_opening, state.language) })
    : text("closed_unknown");

  const closedWhileWaiting = phase === "queued" && !state.chatOpen;
  $("closed-waiting").hidden = !closedWhileWaiting;
  $("closed-waiting-text").textContent = text("closed_waiting_text", { email: welcome.email || "" });
  $("blocked-text").textContent = text(
    state.blockScope === "address" ? "blocked_address_text" : "blocked_text",
  );
  const nobody =
    !state.counsellorsOnline && !closedWhileWaiting && (phase === "intro" || phase === "queued");
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
      : phase === "ended"
        ? text("chat_heading")
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
    const first = shownPhase === null;
    shownPhase = phase;
    if (FOCUS_ON[phase] && !(first && phase === "intro")) $(FOCUS_ON[phase]).focus();
  }

  const showAlternatives = phase === "closed" || phase === "blocked" || phase === "ended";
  $("alternatives").hidden = !(showAlternatives && welcome.email);
  setLink($("alt-email"), text("alt_email", { email: welcome.email || "" }), `mailto:${welcome.email}`);
  setLink($("alt-phone"), text("alt_phone", { phone: welcome.phone || "" }), `tel:${welcome.phone}`);
}

/**
 * Fill an element with a translated text whose phone numbers are tappable links (tel:).
 * The text is split around the numbers and set as text nodes: nothing is read as markup.
 */
function setTextWithNumbers(element, text, key, numbers) {
  const mark = "\u0001";
  const marked = {};
  for (const name of Object.keys(numbers)) marked[name] = `${mark}${name}${mark}`;
  const parts = text(key, marked).split(mark);
  const nodes = parts.map((part, index) => {
    if (index % 2 === 0) return document.createTextNode(part);
    const number = String(numbers[part] || "");
    const link = document.createElement("a");
    link.href = `tel:${number.replace(/[^0-9+]/g, "")}`;
    link.className = "tel";
    link.textContent = number;
    return link;
  });
  element.replaceChildren(...nodes);
}

function setLink(item, label, href) {
  const link = document.createElement("a");
  link.href = href;
  link.textContent = label;
  item.replaceChildren(link);
}

export function renderTyping(state, text) {
  const line = $("typing");
  const shown = Boolean(state.typingName) && state.phase === "active";
  // The live region stays in the page; only its text comes and goes (a region that appears
  // together with its first text is often not announced).
  line.classList.toggle("quiet", !shown);
  const wanted = shown ? text("typing", { name: state.typingName }) : "";
  if (line.textContent !== wanted) line.textContent = wanted;
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
