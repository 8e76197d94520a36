/**
 * Just enough of the Chrome DevTools protocol to drive a headless Chromium
 * from a Deno test: start the browser, open a page, evaluate expressions,
 * send mouse events, take screenshots, and collect the page's console errors.
 * No npm package: a WebSocket and JSON messages.
 *
 * @module
 */

/** A console message, uncaught exception or log entry of level "error". */
export interface PageError {
  source: string;
  text: string;
}

/** The browser this machine has: `CHROMIUM` if set, else `/usr/bin/chromium`, else `chromium`. */
export async function chromiumPath(): Promise<string | undefined> {
  const candidates = [Deno.env.get("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  for (const path of candidates) {
    if (path === undefined) continue;
    try {
      if ((await Deno.stat(path)).isFile) return path;
    } catch {
      // Not there; try the next.
    }
  }
  return undefined;
}

type Pending = { resolve: (value: Record<string, unknown>) => void; reject: (e: Error) => void };

/** A headless Chromium and one page in it. */
export class Browser {
  #process: Deno.ChildProcess;
  #socket: WebSocket;
  #profile: string;
  #next = 1;
  #pending = new Map<number, Pending>();
  #session = "";
  #waiters: { method: string; resolve: () => void }[] = [];
  /** Errors the page reported (console.error, uncaught exceptions, failed loads). */
  readonly errors: PageError[] = [];

  private constructor(process: Deno.ChildProcess, socket: WebSocket, profile: string) {
    this.#process = process;
    this.#socket = socket;
    this.#profile = profile;
    socket.onmessage = (event) => this.#receive(JSON.parse(event.data));
  }

  /** Starts Chromium headless with a fresh profile and opens a blank page of the given size. */
  static async launch(path: string, width: number, height: number): Promise<Browser> {
    const profile = await Deno.makeTempDir({ prefix: "nn-chromium-" });
    const process = new Deno.Command(path, {
      args: [
        "--headless",
        "--remote-debugging-port=0",
        `--user-data-dir=${profile}`,
        "--no-sandbox", // CI runs as root, where Chromium's sandbox refuses to start
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--hide-scrollbars",
        "--mute-audio",
        "about:blank",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const url = await devToolsUrl(process.stderr);
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error(`could not connect to Chromium at ${url}`));
    });
    const browser = new Browser(process, socket, profile);
    const { targetId } = await browser.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await browser.send("Target.attachToTarget", { targetId, flatten: true });
    browser.#session = sessionId as string;
    await browser.page("Runtime.enable");
    await browser.page("Log.enable");
    await browser.page("Page.enable");
    await browser.resize(width, height);
    return browser;
  }

  /** Sends a browser-level command and resolves to its result. */
  send(method: string, params: Record<string, unknown> = {}, sessionId?: string) {
    const id = this.#next++;
    this.#socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
    });
  }

  /** Sends a command to the page. */
  page(method: string, params: Record<string, unknown> = {}) {
    return this.send(method, params, this.#session);
  }

  #receive(message: {
    id?: number;
    result?: Record<string, unknown>;
    error?: { message: string };
    method?: string;
    params?: Record<string, unknown>;
  }): void {
    if (message.id !== undefined) {
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.error) pending?.reject(new Error(message.error.message));
      else pending?.resolve(message.result ?? {});
      return;
    }
    const p = message.params ?? {};
    for (const waiter of this.#waiters.filter((w) => w.method === message.method)) {
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    if (message.method === "Runtime.consoleAPICalled" && p.type === "error") {
      const args = p.args as { value?: unknown; description?: string }[];
      this.errors.push({
        source: "console.error",
        text: args.map((a) => a.description ?? String(a.value)).join(" "),
      });
    } else if (message.method === "Runtime.exceptionThrown") {
      const details = p.exceptionDetails as { text: string; exception?: { description?: string } };
      this.errors.push({
        source: "exception",
        text: details.exception?.description ?? details.text,
      });
    } else if (message.method === "Log.entryAdded") {
      const entry = p.entry as { level: string; text: string; url?: string };
      if (entry.level === "error") {
        this.errors.push({ source: "log", text: `${entry.text} ${entry.url ?? ""}`.trim() });
      }
    }
  }

  /** Sets the viewport (CSS pixels, device scale 1). */
  async resize(width: number, height: number): Promise<void> {
    await this.page("Emulation.setDeviceMetricsOverride", {
      width,
      height,
      deviceScaleFactor: 1,
      mobile: false,
    });
  }

  /** Loads `url` and waits for its load event. */
  async goto(url: string): Promise<void> {
    const loaded = this.#once("Page.loadEventFired");
    await this.page("Page.navigate", { url });
    await loaded;
  }

  #once(method: string): Promise<void> {
    return new Promise((resolve) => this.#waiters.push({ method, resolve }));
  }

  /** Evaluates `expression` in the page (awaiting a promise) and returns its value as JSON. */
  async evaluate<T = unknown>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.page("Runtime.evaluate", {
      expression,
      awaitPromise: true,
      returnByValue: true,
    }) as {
      result: { value?: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (exceptionDetails) {
      throw new Error(
        `in the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`,
      );
    }
    return result.value as T;
  }

  /** Polls `expression` until it is truthy; throws after `timeoutMs` with `what`. */
  async waitFor(expression: string, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.evaluate<boolean>(`Boolean(${expression})`))) {
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The element's box in page coordinates (scrolled into view first). */
  async box(selector: string): Promise<{ x: number; y: number; width: number; height: number }> {
    return await this.evaluate(`(() => {
      const element = document.querySelector(${JSON.stringify(selector)});
      element.scrollIntoView({ block: "center" });
      const r = element.getBoundingClientRect();
      return { x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height };
    })()`);
  }

  /** A mouse event at viewport point (x, y): "mousePressed", "mouseMoved" or "mouseReleased". */
  async mouse(type: string, x: number, y: number): Promise<void> {
    await this.page("Input.dispatchMouseEvent", {
      type,
      x,
      y,
      button: "left",
      buttons: type === "mouseReleased" ? 0 : 1,
      clickCount: 1,
    });
  }

  /** A PNG of the element matching `selector`. */
  async screenshot(selector: string): Promise<Uint8Array> {
    const box = await this.box(selector);
    const { data } = await this.page("Page.captureScreenshot", {
      format: "png",
      clip: { ...box, scale: 1 },
      captureBeyondViewport: true,
    });
    return Uint8Array.from(atob(data as string), (c) => c.charCodeAt(0));
  }

  /** Closes the browser and removes its profile. */
  async close(): Promise<void> {
    try {
      await this.send("Browser.close");
    } catch {
      // It may close the socket before answering.
    }
    this.#socket.close();
    for (const { reject } of this.#pending.values()) reject(new Error("browser closed"));
    await this.#process.status;
    await Deno.remove(this.#profile, { recursive: true }).catch(() => {});
  }
}

/** Reads Chromium's stderr until "DevTools listening on ws://…"; the rest is drained. */
async function devToolsUrl(stderr: ReadableStream<Uint8Array>): Promise<string> {
  const lines = stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const deadline = setTimeout(() => lines.cancel(), 20_000);
  try {
    for (;;) {
      const { value, done } = await lines.read();
      if (done) break;
      text += value;
      const match = text.match(/DevTools listening on (ws:\/\/\S+)/);
      if (match) {
        // Keep reading (and dropping) the rest, so Chromium never blocks on a full pipe.
        (async () => {
          while (!(await lines.read().catch(() => ({ done: true }))).done) { /* drop */ }
        })();
        return match[1];
      }
    }
  } finally {
    clearTimeout(deadline);
  }
  throw new Error(`Chromium did not print its DevTools address; its stderr: ${text.slice(-2000)}`);
}
