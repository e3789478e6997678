// The live pages (a meeting, This week): keeps what the person is typing out of the way
// of live refreshes, tells a screen reader what the other person changed, and shows the
// state of the page's connection.
(() => {
  "use strict";

  // --- unsaved typing -----------------------------------------------------------
  //
  // Typing marks its form unsaved. A live refresh then leaves that form alone — its
  // text, caret and the version the edit is based on — and only notes that the other
  // person changed it meanwhile. Saving sends the old version, so an edit crossing
  // the other's gets the conflict view with both texts, never a silent overwrite.

  // The forms with requests on their way: how many (a point's row sends its text and
  // its buttons' actions), whether its text save is among them, whether it was typed in
  // since that save left, and whether a save asked for meanwhile was dropped (the point
  // rows' hx-sync="this:drop", so that Enter and the change it fires save once).
  const sending = new WeakMap();

  function formOf(element) {
    return element && element.closest ? element.closest("form") : null;
  }

  function liveFormOf(ctx) {
    const form = formOf(ctx.sourceElement);
    return form && form.closest("#live") ? form : null;
  }

  function isTextField(node) {
    return node instanceof HTMLTextAreaElement || (node instanceof HTMLInputElement && node.type === "text");
  }

  // A text field typed in after its form's save left is marked, and htmx's own morphSkip
  // leaves it alone while that save's answer morphs the rest of the form, its new
  // version included. The mark is on the field, not the form: the form takes the
  // answer's attributes. [hx-morph-skip] keeps its meaning on these pages.
  htmx.config.morphSkip = "[hx-morph-skip], #live [data-typed-since]";

  // --- what the other person changed, for a screen reader -------------------------
  //
  // One polite live region (#live-changes, in the page's never-swapped #live) says what
  // changed, once per burst: a person adding three points in a row is one "Sam changed
  // the agenda", said when the burst has settled. Streams say only "this part changed",
  // and also after one's own saves; a part whose refetch brings nothing new is not
  // mentioned, so one's own changes (already on the page from the save's answer) never
  // are.

  // What the parts of a meeting page are called; a This week card says whose it is.
  const PART_NAMES = {
    "talking-points": "the agenda",
    "shared-notes": "the shared notes",
    "action-items": "the action items",
    goals: "the goals",
    development: "the development plan",
    "meeting-body": "the meeting",
  };
  // A burst ends after this long without a change, or this long after it began.
  const BURST_QUIET_MS = 1000;
  const BURST_LONGEST_MS = 3000;

  const announcer = (() => {
    let changed = [];
    let typedOver = null;
    let quietTimer = null;
    let longestTimer = null;

    function listed(names) {
      if (names.length < 2) return names.join("");
      return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
    }

    function say() {
      clearTimeout(quietTimer);
      clearTimeout(longestTimer);
      quietTimer = longestTimer = null;
      const region = document.getElementById("live-changes");
      const live = document.getElementById("live");
      if (!region || !live) return;
      const who = live.dataset.otherName;
      const sentences = [];
      if (changed.length) {
        const what = listed(changed);
        sentences.push(who ? `${who} changed ${what}.` : `${what[0].toUpperCase()}${what.slice(1)} changed.`);
      }
      if (typedOver) sentences.push(typedOver);
      changed = [];
      typedOver = null;
      // Emptied first, so that the same words said again are announced again.
      region.textContent = "";
      requestAnimationFrame(() => {
        region.textContent = sentences.join(" ");
      });
    }

    function note() {
      clearTimeout(quietTimer);
      quietTimer = setTimeout(say, BURST_QUIET_MS);
      if (longestTimer === null) longestTimer = setTimeout(say, BURST_LONGEST_MS);
    }

    return {
      changed(name) {
        if (!changed.includes(name)) changed.push(name);
        note();
      },
      typedOver(notice) {
        typedOver = notice;
        note();
      },
    };
  })();

  // Said when a form being typed in was changed meanwhile: which one, and what saving does.
  const EDITED_NAMES = { "talking-points": "the talking point", "shared-notes": "the shared notes" };

  function typedOverNotice(form) {
    if ("ownNote" in form.dataset) return "Your private note changed elsewhere: saving will show you both versions.";
    const section = form.closest("section[id]");
    const what = (section && EDITED_NAMES[section.id]) || "what";
    const who = document.getElementById("live").dataset.otherName || "The other person";
    return `${who} changed ${what} you are editing: saving will show you both versions.`;
  }

  // What a part shows, for telling whether a refetch changed it: its text and the
  // values, states and versions in its fields. Who else is here has its own region, and
  // a CSRF token is signed anew (with its time) at every rendering.
  function shownIn(part) {
    const copy = part.cloneNode(true);
    for (const unsaid of copy.querySelectorAll("#presence, [name=csrf_token]")) unsaid.remove();
    const shown = [copy.textContent.replace(/\s+/g, " ")];
    for (const element of copy.querySelectorAll("[value], [aria-pressed], [checked], [selected]")) {
      shown.push(element.getAttribute("value"), element.getAttribute("aria-pressed"),
        element.hasAttribute("checked"), element.hasAttribute("selected"));
    }
    return shown.join("\u0000");
  }

  // The name of what a refetch asked for by the stream shows, or null for requests the
  // person made themselves (a save, "Take theirs").
  function partNameOf(ctx) {
    const event = ctx.sourceEvent;
    const part = ctx.sourceElement;
    if (!event || !isLive(event.target) || event.type === "presence" || !(part instanceof Element)) return null;
    if (part.id in PART_NAMES) return PART_NAMES[part.id];
    const card = part.matches(".prep-card") ? part.querySelector("h3") : null;
    return card ? `your one-on-one with ${card.textContent.trim()}` : null;
  }

  // A refetch that crossed one of the person's own saves may bring that save before
  // its answer does: it is not counted as the other's. (An edit of the other's in the
  // same moment then goes unsaid; the page still shows it.)
  let ownSavesSent = 0;
  const ownSavesOnTheirWay = new Set();
  const savesWhenAsked = new WeakMap();
  const shownBefore = new WeakMap();

  // Whether a save of the person's own is on its way. One whose form left the page
  // before its answer came (a refresh replaced the list) is not waited for: its last
  // events go to the detached form, and would never be heard.
  function savingNow() {
    for (const ctx of ownSavesOnTheirWay) {
      if (!(ctx.sourceElement && ctx.sourceElement.isConnected)) ownSavesOnTheirWay.delete(ctx);
    }
    return ownSavesOnTheirWay.size > 0;
  }

  document.addEventListener("htmx:before:request", (event) => {
    const ctx = event.detail.ctx;
    if (ctx.request.method !== "GET") {
      ownSavesSent += 1;
      ownSavesOnTheirWay.add(ctx);
    } else if (partNameOf(ctx) !== null) {
      savesWhenAsked.set(ctx, savingNow() ? -1 : ownSavesSent);
    }
  });

  // A save whose answer replaced its own form ends with events on the detached form,
  // which never reach the document: its swap, announced from the new content, does.
  function saveArrived(event) {
    ownSavesOnTheirWay.delete(event.detail.ctx);
  }
  document.addEventListener("htmx:after:swap", saveArrived);
  document.addEventListener("htmx:finally:request", saveArrived);

  document.addEventListener("htmx:before:swap", (event) => {
    const ctx = event.detail.ctx;
    if (savesWhenAsked.get(ctx) === ownSavesSent && !savingNow()) {
      shownBefore.set(ctx, shownIn(ctx.sourceElement));
    }
  });

  document.addEventListener("htmx:after:swap", (event) => {
    const ctx = event.detail.ctx;
    if (!shownBefore.has(ctx)) return;
    const before = shownBefore.get(ctx);
    shownBefore.delete(ctx);
    // The stream's parts are morphed, so the element is the one that was asked.
    const part = ctx.sourceElement;
    if (part.isConnected && shownIn(part) !== before) announcer.changed(partNameOf(ctx));
  });

  function forgetTypedSince(form) {
    for (const field of form.querySelectorAll("[data-typed-since]")) delete field.dataset.typedSince;
  }

  // A form with unsaved typing is skipped here rather than by morphSkip: noting "changed
  // meanwhile" compares its version with the refreshed one, and htmx 4 tests morphSkip
  // against the old node alone, before it calls this hook, so a form morphSkip matched
  // would never reach it.
  htmx.registerExtension("pmweb-unsaved", {
    // A refresh never closes what the person opened (the question bank, "Move or
    // skip"): the server draws each <details> closed.
    htmx_before_morph_attr: (element, detail) =>
      !(element instanceof HTMLDetailsElement && detail.attrName === "open" && detail.newValue === null),
    htmx_before_morph_node: (oldNode, detail) => {
      if (!(oldNode instanceof HTMLFormElement) || !("unsaved" in oldNode.dataset)) return true;
      const mine = oldNode.querySelector("input[name=version]");
      const theirs = detail.newNode.querySelector && detail.newNode.querySelector("input[name=version]");
      if (mine && theirs && mine.value !== theirs.value) {
        // A private note can only have been changed by its author, elsewhere.
        const who = "ownNote" in oldNode.dataset
          ? "You changed this note elsewhere"
          : `${document.getElementById("live").dataset.otherName || "The other person"} changed this`;
        oldNode.dataset.changedMeanwhile = `${who} meanwhile — saving will show you both versions.`;
        // The notice is drawn by CSS, which a screen reader is not told about.
        announcer.typedOver(typedOverNotice(oldNode));
      }
      return false;
    },
  });

  document.addEventListener("input", (event) => {
    const form = event.target.form;
    if (!form || !form.closest("#live")) return;
    form.dataset.unsaved = "";
    const pending = sending.get(form);
    if (pending) {
      if (isTextField(event.target)) event.target.dataset.typedSince = "";
      pending.typedSince = true;
      // Only a save asked for after this typing sends it by itself.
      pending.again = false;
    }
  });

  // A save that hx-sync is about to drop: what was typed by then must still be saved,
  // so it is sent once the requests on their way are answered, with the version they
  // bring.
  document.addEventListener("htmx:config:request", (event) => {
    const ctx = event.detail.ctx;
    const form = liveFormOf(ctx);
    const pending = form && sending.get(form);
    if (pending && pending.savingText && ctx.sourceElement === form && form.getAttribute("hx-sync") === "this:drop") {
      pending.again = true;
    }
  });

  // Counted when a request really leaves (after hx-sync let it through): each one
  // that leaves is answered, or fails, with htmx:finally:request.
  document.addEventListener("htmx:before:request", (event) => {
    const ctx = event.detail.ctx;
    const form = liveFormOf(ctx);
    if (!form) return;
    let pending = sending.get(form);
    if (!pending) {
      pending = { requests: 0, savingText: false, typedSince: false, again: false, refused: false };
      sending.set(form, pending);
    }
    pending.requests += 1;
    if (ctx.sourceElement === form) {
      // The text goes with this save: only typing from now on is unsaved.
      pending.savingText = true;
      pending.typedSince = false;
      forgetTypedSince(form);
    }
  });

  // The answer to one of the form's own requests may update it. An answer that went
  // elsewhere (an error message at the top of the page) or never came (offline) leaves
  // the typing protected.
  document.addEventListener("htmx:before:swap", (event) => {
    const ctx = event.detail.ctx;
    const form = liveFormOf(ctx);
    if (form && sending.has(form) && ctx.target && ctx.target.contains(form)) {
      delete form.dataset.unsaved;
      delete form.dataset.changedMeanwhile;
    }
  });

  document.addEventListener("htmx:finally:request", (event) => {
    const ctx = event.detail.ctx;
    const form = liveFormOf(ctx);
    const pending = form && sending.get(form);
    if (!pending) return;
    if (!(ctx.response && ctx.response.status < 300)) pending.refused = true;
    if (ctx.sourceElement === form) pending.savingText = false;
    pending.requests -= 1;
    if (pending.requests > 0) return;
    sending.delete(form);
    if (!form.isConnected) return;
    // From here the form's own mark, or the reset, looks after its fields.
    forgetTypedSince(form);
    if (pending.typedSince) {
      // Typed on while the requests were on their way: that text is unsaved again.
      form.dataset.unsaved = "";
      // After the queue has let go of this request, or the save would be dropped too.
      // Not after a refusal: a conflict waits for the person's own choice.
      if (pending.again && !pending.refused) setTimeout(() => form.requestSubmit());
    } else if (!pending.refused) {
      // Saved: the form shows what the server now holds (a morph leaves typed
      // values in fields the answer has no value for, such as a blank check-in).
      form.reset();
    }
  });

  // A focused field holding no typing of its own shows the latest text: the morph
  // keeps a focused field's value, which would otherwise be stale under a new version.
  document.addEventListener("htmx:after:swap", () => {
    const field = document.activeElement;
    const form = field && field.form;
    if (!form || "unsaved" in form.dataset || "typedSince" in field.dataset) return;
    if (isTextField(field) && field.value !== field.defaultValue) {
      field.value = field.defaultValue;
    }
  });

  // --- the connection -----------------------------------------------------------

  // A stream that ends on schedule is back within a second; only a longer outage is
  // worth a notice.
  const NOTICE_AFTER_MS = 1500;
  const NO_ACCESS = new Set([401, 403, 404]);
  let noticeTimer = null;
  let lastHeard = Date.now();
  let firstAttempts = 0;
  // The page's stream as the extension's events hand it over (detail.connection), from
  // its first connection until it closes; it stays the same object across reconnects.
  let stream = null;

  function setConnection(live, state) {
    clearTimeout(noticeTimer);
    noticeTimer = null;
    live.dataset.connection = state;
  }

  function announceOutage(live) {
    if (noticeTimer === null && live.dataset.connection !== "gone") {
      noticeTimer = setTimeout(() => setConnection(live, "reconnecting"), NOTICE_AFTER_MS);
    }
  }

  function isLive(element) {
    return element instanceof Element && element.id === "live";
  }

  document.addEventListener("htmx:sse:before:connection", (event) => {
    const live = event.target;
    stream = event.detail.connection;
    if (live.dataset.connection === "gone") {
      // Asking again cannot help: access ended, or the person signed out.
      event.detail.connection.cancelled = true;
    } else if (event.detail.connection.attempt > 0) {
      announceOutage(live);
    }
  });

  document.addEventListener("htmx:sse:after:connection", (event) => {
    lastHeard = Date.now();
    firstAttempts = 0;
    setConnection(event.target, "open");
  });

  document.addEventListener("htmx:sse:after:message", () => {
    lastHeard = Date.now();
  });

  document.addEventListener("htmx:sse:close", (event) => {
    if (event.detail.connection === stream) stream = null;
  });

  document.addEventListener("htmx:sse:error", (event) => {
    if (NO_ACCESS.has(event.detail.status)) {
      setConnection(event.target, "gone");
    } else {
      announceOutage(event.target);
    }
  });

  // The first connection is an ordinary htmx request until it turns into a stream;
  // if it fails (server busy or restarting), the extension never retries it.
  function firstConnectionFailed(event) {
    const live = event.target;
    if (!isLive(live) || stream) return;
    const status = event.detail.ctx && event.detail.ctx.response && event.detail.ctx.response.status;
    if (NO_ACCESS.has(status)) {
      setConnection(live, "gone");
      return;
    }
    announceOutage(live);
    const delay = Math.min(500 * 2 ** firstAttempts++, 30000);
    setTimeout(() => htmx.ajax("GET", live.getAttribute("hx-sse:connect"), { source: live }), delay);
  }
  document.addEventListener("htmx:response:error", firstConnectionFailed);
  document.addEventListener("htmx:error", firstConnectionFailed);

  // Ends a stream as if the server had closed it, so the extension reconnects (with the
  // last event's id) the way it does by itself; false when no stream is being read. The
  // documented fields of a connection (url, config, lastEventId, attempt, status,
  // cancelled) offer no way to do it: `reader` is hx-sse's own, as of htmx 4.0.1 in
  // static/vendor, and this is the one place that touches it.
  function dropStream(connection) {
    if (!connection.reader) return false;
    connection.reader.cancel();
    return true;
  }

  // A connection can die without closing (a laptop lid, a dropped Wi-Fi): the server
  // sends a named heartbeat, and a page that hears nothing for three of them drops
  // the stream so the extension reconnects and resyncs.
  setInterval(() => {
    const live = document.getElementById("live");
    const heartbeat = live ? Number(live.dataset.heartbeatSeconds) * 1000 : 0;
    if (!stream || !heartbeat || live.dataset.connection !== "open") return;
    if (Date.now() - lastHeard > 3 * heartbeat && dropStream(stream)) {
      lastHeard = Date.now();
      announceOutage(live);
    }
  }, 1000);
})();
