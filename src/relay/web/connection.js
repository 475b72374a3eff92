// One websocket to the relay's /chat endpoint that comes back by itself: exponential back-off
// with jitter after a drop, an immediate retry when the browser says it is online again, and no
// retry once the page stops it (chat ended, blocked, or "leave quickly").

const DELAYS_MS = [500, 1000, 2000, 4000, 8000, 15000];

export class Connection {
  /**
   * @param {string} url ws:// or wss:// URL of /chat on this page's own host
   * @param {{onConnecting?: () => void, onOpen: () => void, onFrame: (frame: object) => void,
   *          onDown: (retryInMs: number) => void}} handlers
   */
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    this.socket = null;
    this.attempt = 0;
    this.timer = null;
    this.stopped = false;
    window.addEventListener("online", () => this.retryNow());
  }

  start() {
    this.stopped = false;
    this.open();
  }

  open() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.handlers.onConnecting) this.handlers.onConnecting();
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.addEventListener("open", () => {
      if (this.socket !== socket) return;
      this.handlers.onOpen();
    });
    socket.addEventListener("message", (event) => {
      if (this.socket !== socket || typeof event.data !== "string") return;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return; // the relay only sends JSON; ignore anything else rather than break
      }
      if (frame && typeof frame === "object" && typeof frame.type === "string") {
        this.handlers.onFrame(frame);
      }
    });
    socket.addEventListener("close", () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (!this.stopped) this.scheduleRetry();
    });
  }

  /** The connection works (the relay answered): the next drop starts the back-off afresh. */
  settled() {
    this.attempt = 0;
  }

  scheduleRetry() {
    const base = DELAYS_MS[Math.min(this.attempt, DELAYS_MS.length - 1)];
    // Jitter spreads reconnects when the relay restarts with many visitors waiting.
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.attempt += 1;
    this.handlers.onDown(delay);
    this.timer = setTimeout(() => this.open(), delay);
  }

  retryNow() {
    if (this.stopped || this.socket) return;
    this.open();
  }

  get isOpen() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  send(frame) {
    if (!this.isOpen) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** A fresh connection now (a new chat gets a fresh welcome), without the "lost" state. */
  restart() {
    this.detach();
    this.attempt = 0;
    this.stopped = false;
    this.open();
  }

  /** The relay is going down: reconnect after the wait it asked for. */
  reconnectAfter(delayMs) {
    this.detach();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.open(), delayMs);
  }

  detach() {
    const socket = this.socket;
    this.socket = null; // its close event is ignored from now on
    if (socket) socket.close();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = null;
    this.detach();
  }
}
