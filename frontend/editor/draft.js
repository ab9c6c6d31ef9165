// The server's draft, saved as the admin works: a change is saved a second after the last edit,
// naming the revision it was made from. A save refused as stale (a colleague saved first) stops
// autosaving and says who saved when; nothing is overwritten, and reloading shows their work.

// The CSRF token base.html hands htmx, which the draft's API asks for on every change.
export function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch (error) {
    return "";
  }
}

export class DraftSaver {
  constructor({ url, csrf, revision, status, conflict, labels, onSaved }) {
    this.url = url;
    this.csrf = csrf;
    this.revision = revision;
    this.status = status;
    this.conflict = conflict;
    this.labels = labels;
    this.onSaved = onSaved;
    this.timer = null;
    this.saving = null;
    this.again = false;
    this.dirty = false;
    this.stopped = false;
  }

  changed(collect) {
    if (this.stopped) return;
    this.collect = collect;
    this.dirty = true;
    this.say(this.labels.unsaved, "unsaved");
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), 1000);
  }

  say(text, state) {
    this.status.textContent = text;
    this.status.dataset.state = state;
  }

  async save() {
    clearTimeout(this.timer);
    if (this.stopped || !this.collect) return;
    if (this.saving) {
      this.again = true;
      return this.saving;
    }
    this.saving = this.send();
    try {
      await this.saving;
    } finally {
      this.saving = null;
    }
    if (this.again) {
      this.again = false;
      await this.save();
    }
  }

  async send() {
    this.say(this.labels.saving, "saving");
    this.dirty = false;
    let response;
    try {
      const files = await this.collect();
      response = await fetch(this.url, {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": this.csrf },
        body: JSON.stringify({ revision: this.revision, files }),
      });
    } catch (error) {
      this.failed(this.labels.offline);
      return;
    }
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      this.revision = body.revision;
      this.status.dataset.revision = String(body.revision);
      // The page's forms (submit for review, discard) name the revision they act on.
      document.querySelectorAll("input[data-draft-revision]").forEach((input) => {
        input.value = String(body.revision);
      });
      this.say(this.labels.saved.replace("%(n)s", String(body.revision)), "saved");
      this.onSaved(body);
    } else if (response.status === 409 && body.code === "draft_stale") {
      this.stopped = true;
      this.conflict.querySelector("[data-message]").textContent = this.message(body);
      this.conflict.hidden = false;
      this.say(this.labels.not_saved, "stale");
    } else {
      this.failed(this.message(body) || this.labels.offline);
    }
  }

  failed(text) {
    // Keep the change: it is saved with the next edit or the next try.
    this.dirty = true;
    this.say(text, "failed");
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), 5000);
  }

  message(body) {
    return (document.documentElement.lang || "").startsWith("en") ? body.message_en : body.message;
  }
}
