// The visible transcript: messages kept in sequence order, each shown once, with a per-message
// sent/acknowledged state. Every piece of text goes in through textContent only, so a visitor's
// or counsellor's "<script>" is shown as those characters and never becomes markup.

/** A random client id for a message (works outside secure contexts, unlike randomUUID). */
export function newClientId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export class Transcript {
  /**
   * @param {HTMLOListElement} list the <ol> to render into
   * @param {(key: string, values?: object) => string} text translated texts
   * @param {() => string} language current page language, for times
   */
  constructor(list, text, language) {
    this.list = list;
    this.text = text;
    this.language = language;
    this.bySeq = new Map(); // seq -> <li>
    this.pendingById = new Map(); // client id -> {text, li}
    this.lastSeq = 0;
  }

  /** Highest seq such that every seq up to it is on screen: what to ask the relay after. */
  contiguousSeq() {
    let seq = 0;
    while (this.bySeq.has(seq + 1)) seq += 1;
    return seq;
  }

  /** A message the relay stored (live or from a sync). Returns false if it was already shown. */
  addStored({ seq, sender, name, text, at, clientId }) {
    if (this.bySeq.has(seq)) return false;
    let li;
    const pending = clientId ? this.pendingById.get(clientId) : undefined;
    if (pending) {
      // Our own message came back before (or instead of) its ack: settle it in place.
      this.pendingById.delete(clientId);
      li = pending.li;
      this.markSent(li, seq, at);
    } else {
      li = this.render(sender, name, text, at);
      li.dataset.seq = String(seq);
    }
    this.bySeq.set(seq, li);
    this.lastSeq = Math.max(this.lastSeq, seq);
    this.insertInOrder(li, seq);
    return true;
  }

  /** A message the visitor just typed, shown at once as "sending". */
  addPending(clientId, text) {
    const li = this.render("visitor", "", text, new Date().toISOString());
    li.classList.add("pending");
    li.dataset.clientId = clientId;
    this.setState(li, "state_sending");
    this.pendingById.set(clientId, { text, li });
    this.list.append(li);
    this.scroll();
    return li;
  }

  /** The relay stored our message under seq. */
  acknowledge(clientId, seq, at) {
    const pending = this.pendingById.get(clientId);
    if (!pending) return; // already settled by a synced copy, or a duplicate ack
    this.pendingById.delete(clientId);
    if (this.bySeq.has(seq)) {
      // A synced copy was shown first without its client id: keep one.
      pending.li.remove();
      return;
    }
    this.markSent(pending.li, seq, at);
    this.bySeq.set(seq, pending.li);
    this.lastSeq = Math.max(this.lastSeq, seq);
    this.insertInOrder(pending.li, seq);
  }

  /** Unacknowledged messages, oldest first, to resend with the same client ids. */
  pending() {
    return Array.from(this.pendingById, ([clientId, { text }]) => ({ clientId, text }));
  }

  /** A line from the helpline itself (joined, holding...): not part of the stored sequence.
   * Kept as its translation key and values, so a language switch re-words it too. */
  addNotice(key, values = {}) {
    const li = document.createElement("li");
    li.className = "msg system";
    li.dataset.noticeKey = key;
    li.dataset.noticeValues = JSON.stringify(values);
    const p = document.createElement("p");
    p.className = "text";
    p.textContent = this.text(key, values);
    li.append(p);
    const firstPending = this.list.querySelector("li.pending");
    this.list.insertBefore(li, firstPending);
    this.scroll();
  }

  /** Nothing on screen yet (a fresh page, e.g. after a reload). */
  isEmpty() {
    return this.list.children.length === 0;
  }

  clear() {
    this.list.replaceChildren();
    this.bySeq.clear();
    this.pendingById.clear();
    this.lastSeq = 0;
  }

  /** Re-label "You", states and times after a language switch. */
  relabel() {
    for (const li of this.list.querySelectorAll("li.msg")) {
      const who = li.querySelector(".who");
      if (who && li.dataset.role) {
        who.textContent = li.dataset.name || this.text(li.dataset.role);
      }
      if (li.dataset.stateKey) this.setState(li, li.dataset.stateKey);
      if (li.dataset.noticeKey) {
        const values = JSON.parse(li.dataset.noticeValues || "{}");
        li.querySelector(".text").textContent = this.text(li.dataset.noticeKey, values);
      }
      const time = li.querySelector("time");
      if (time) time.textContent = this.formatTime(time.dateTime);
    }
  }

  render(sender, name, text, at) {
    const role = sender === "visitor" || sender === "counsellor" ? sender : "system";
    const li = document.createElement("li");
    li.className = `msg ${role}`;
    li.dataset.role = role === "visitor" ? "you" : role;
    if (role !== "visitor" && name) li.dataset.name = name;
    const meta = document.createElement("div");
    meta.className = "meta";
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = li.dataset.name || this.text(li.dataset.role);
    const time = document.createElement("time");
    time.dateTime = at || new Date().toISOString();
    time.textContent = this.formatTime(time.dateTime);
    meta.append(who, time);
    if (role === "visitor") {
      const state = document.createElement("span");
      state.className = "state";
      // Seen, not heard: a screen reader reads the message once, not again as "sent".
      state.setAttribute("aria-hidden", "true");
      meta.append(state);
    }
    const body = document.createElement("p");
    body.className = "text";
    body.textContent = text;
    li.append(meta, body);
    return li;
  }

  markSent(li, seq, at) {
    li.classList.remove("pending");
    li.dataset.seq = String(seq);
    delete li.dataset.clientId;
    if (at) {
      const time = li.querySelector("time");
      time.dateTime = at;
      time.textContent = this.formatTime(at);
    }
    this.setState(li, "state_sent");
  }

  setState(li, key) {
    const state = li.querySelector(".state");
    if (!state) return;
    li.dataset.stateKey = key;
    state.textContent = key === "state_sent" ? `✓ ${this.text(key)}` : this.text(key);
  }

  insertInOrder(li, seq) {
    // Before the first stored message with a higher seq, else before the notices/pending tail.
    let before = null;
    for (const child of this.list.children) {
      if (child === li) continue;
      if (child.dataset.seq && Number(child.dataset.seq) > seq) {
        before = child;
        break;
      }
      if (!child.dataset.seq && child.classList.contains("pending")) {
        before = child;
        break;
      }
    }
    // One's own message, acknowledged where it already stands, is not moved: a node taken out
    // and put back is a new addition to the live region, and would be read out again.
    if (li.parentNode !== this.list || li.nextElementSibling !== before) {
      this.list.insertBefore(li, before);
    }
    this.scroll();
  }

  formatTime(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return "";
    return date.toLocaleTimeString(this.language(), { hour: "2-digit", minute: "2-digit" });
  }

  scroll() {
    // The list sits in a scrolling log region (index.html); scroll that.
    const box = this.list.parentElement ?? this.list;
    box.scrollTop = box.scrollHeight;
    // A visitor typing (zoomed in, or on a small phone) keeps the message box in view when
    // new lines arrive above it.
    const typing = document.activeElement;
    if (typing && typing.id === "message") typing.scrollIntoView({ block: "nearest" });
  }
}
