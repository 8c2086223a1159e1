/* The phone join page of the live service: type the code, then answer the question the lead has made current.
 *
 * Plain ES2017, no framework, no external resource (the room may be offline). Every text from the server or the
 * trainee is put on the page with textContent / createElement, never as HTML. The page may be served under a
 * prefix (a JupyterHub service: /services/NAME/join/CODE): the API is found relative to the page's own path.
 */
'use strict';

(function () {
  const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
  const PATH = window.location.pathname;
  const AT = PATH.lastIndexOf('/join');
  const BASE = AT >= 0 ? PATH.slice(0, AT) : '';
  const API = BASE + '/ttt/api/sessions/';
  const POLL_TIMEOUT_MS = 40000;   // the server holds a long poll for up to 25 s
  const SEND_TIMEOUT_MS = 15000;
  const MAX_WORDS = 5;             // a participant's entries on a word cloud (the store's MAX_WORDS)
  const STATUS_LABELS = { stuck: 'Stuck', working: 'Working', done: 'Done' };
  const WITH_RESULTS = ['poll', 'multi', 'scale', 'words'];

  const $ = (id) => document.getElementById(id);
  const S = {
    code: null, token: null, participant: null, revision: null, key: undefined, question: null,
    generation: 0, registering: null, closesAt: null, ticker: null, locallyClosed: false,
    controls: null, fieldset: null, sent: {}, pendingAsks: [],
  };

  // -- small helpers ------------------------------------------------------------------------------------------
  /** An element with properties (className, type, ...), attributes (data-*, aria-*) and text/element children. */
  function h(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('aria-') || k.startsWith('data-') || k === 'role' || k === 'for') node.setAttribute(k, v);
      else node[k] = v;
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    const bytes = new Uint8Array(16);           // randomUUID needs https; getRandomValues works on a room's http
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function say(text, kind) {
    const status = $('status');
    status.textContent = text || '';
    status.className = 'status' + (kind ? ' ' + kind : '');
  }

  /** Tell screen readers what changed on its own (the page shows it already). */
  function announce(text) {
    $('announce').textContent = text;
  }

  function connection(text) {
    const banner = $('connection');
    banner.textContent = text || '';
    banner.hidden = !text;
  }

  function normaliseCode(raw) {
    return String(raw || '').replace(/[\s-]/g, '').toUpperCase();
  }

  function validCode(code) {
    return code.length === 6 && Array.from(code).every((c) => ALPHABET.includes(c));
  }

  // -- what this phone remembers per code: its participant token, what it sent --------------------------------
  function storageKey(code) { return 'ttt-join:' + code; }

  function load(code) {
    try {
      const data = JSON.parse(window.localStorage.getItem(storageKey(code)) || 'null');
      return data && typeof data === 'object' ? data : {};
    } catch (e) {
      return {};
    }
  }

  function save() {
    if (!S.code) return;
    try {
      window.localStorage.setItem(storageKey(S.code), JSON.stringify({
        participant: S.participant, token: S.token, sent: S.sent, pendingAsks: S.pendingAsks,
      }));
    } catch (e) { /* private mode: the identity lasts as long as the page */ }
  }

  // -- HTTP -----------------------------------------------------------------------------------------------------
  class NetworkError extends Error {}

  async function api(method, path, body, options) {
    const opts = options || {};
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.auth && S.token) headers.Authorization = 'Bearer ' + S.token;
    Object.assign(headers, opts.headers || {});
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), opts.timeout || SEND_TIMEOUT_MS);
    let response;
    try {
      response = await fetch(API + encodeURIComponent(S.code) + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal, cache: 'no-store', credentials: 'same-origin',
      });
    } catch (e) {
      throw new NetworkError(String(e));
    } finally {
      clearTimeout(timer);
    }
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    const retry = parseInt(response.headers.get('Retry-After') || '', 10);
    return { status: response.status, data, retryAfter: Number.isFinite(retry) && retry > 0 ? retry : 1 };
  }

  function errorText(reply) {
    if (reply.data && typeof reply.data.error === 'string') return reply.data.error;
    return 'The server answered with error ' + reply.status + '.';
  }

  /** A participant token for this session (the one stored for this code, else a new one). */
  function ensureToken() {
    if (S.token) return Promise.resolve();
    if (!S.registering) {
      S.registering = (async () => {
        let delay = 1;
        for (;;) {
          let reply;
          try {
            reply = await api('POST', '/participants', {}, { headers: { 'X-TTT-Join': '1' } });
          } catch (e) {
            connection('Connection lost, retrying…');
            await sleep(delay * 1000);
            delay = Math.min(delay * 2, 10);
            continue;
          }
          connection(null);
          if (reply.status === 429) {
            say('Too many requests, wait ' + reply.retryAfter + ' s', 'error');
            await sleep(reply.retryAfter * 1000);
            continue;
          }
          if (reply.status !== 201 && reply.status !== 200) throw new Error(errorText(reply));
          S.participant = reply.data.participant;
          S.token = reply.data.token;
          save();
          return;
        }
      })().finally(() => { S.registering = null; });
    }
    return S.registering;
  }

  /**
   * POST a write as this participant until the server has answered it. The body keeps its client-made id across
   * retries, so a write whose reply was lost is recognised by the server rather than stored twice. Returns the
   * server's reply (any status but 401 and 429, which are handled here).
   */
  async function send(path, body) {
    let delay = 1;
    let registeredAgain = false;
    for (;;) {
      let reply;
      try {
        await ensureToken();
        reply = await api('POST', path, body, { auth: true });
      } catch (e) {
        if (!(e instanceof NetworkError)) return { status: 0, data: { error: e.message } };
        connection('Connection lost, retrying…');
        say('Not sent yet: connection lost, retrying…', 'error');
        await sleep(delay * 1000);
        delay = Math.min(delay * 2, 10);
        continue;
      }
      connection(null);
      if (reply.status === 401 && !registeredAgain) {  // the stored token is not (or no longer) valid: join again
        registeredAgain = true;
        S.token = null;
        S.participant = null;
        continue;
      }
      if (reply.status === 429) {
        say('Too many requests, wait ' + reply.retryAfter + ' s', 'error');
        await sleep(reply.retryAfter * 1000);
        continue;
      }
      return reply;
    }
  }

  // -- joining ----------------------------------------------------------------------------------------------------
  function showJoinForm(message) {
    S.generation += 1;
    S.code = null;
    stopTicker();
    $('main').append($('status'));
    $('question').hidden = true;
    $('question').replaceChildren();
    $('code-line').hidden = true;
    $('join-form').hidden = false;
    $('title').textContent = 'Join the live session';
    document.title = 'Join the live session';
    connection(null);
    say('');
    const error = $('code-error');
    error.textContent = message || '';
    error.hidden = !message;
    $('code').setAttribute('aria-invalid', message ? 'true' : 'false');
    if (message) $('code').focus();
  }

  async function join(code, fromForm) {
    const generation = ++S.generation;
    S.code = code;
    const stored = load(code);
    S.token = typeof stored.token === 'string' ? stored.token : null;
    S.participant = typeof stored.participant === 'string' ? stored.participant : null;
    S.sent = stored.sent && typeof stored.sent === 'object' ? stored.sent : {};
    S.pendingAsks = Array.isArray(stored.pendingAsks) ? stored.pendingAsks : [];
    S.revision = null;
    S.key = undefined;  // nothing shown yet (null is "no current question")
    say(fromForm ? 'Joining…' : '');
    let reply;
    try {
      reply = await api('GET', '', undefined, { timeout: SEND_TIMEOUT_MS });
    } catch (e) {
      reply = null;
    }
    if (generation !== S.generation) return;
    if (reply && reply.status === 404) {
      showJoinForm(errorText(reply));
      return;
    }
    const wanted = BASE + '/join/' + code;
    if (window.location.pathname !== wanted) window.history.pushState({ code }, '', wanted);
    $('join-form').hidden = true;
    $('code-line').hidden = false;
    $('code-shown').textContent = code;
    if (reply && reply.status === 200) {
      say('');
      render(reply.data);
    }
    try {
      await ensureToken();
    } catch (e) {
      if (generation === S.generation) say(e.message, 'error');
    }
    pollLoop(generation);
  }

  async function pollLoop(generation) {
    let delay = 1;
    while (generation === S.generation) {
      const started = Date.now();
      let reply;
      try {
        reply = await api('GET', S.revision === null ? '' : '?since=' + S.revision, undefined,
          { timeout: POLL_TIMEOUT_MS });
      } catch (e) {
        if (generation !== S.generation) return;
        connection('Connection lost, retrying…');
        await sleep(delay * 1000);
        delay = Math.min(delay * 2, 10);
        continue;
      }
      if (generation !== S.generation) return;
      if (reply.status === 200 && reply.data) {
        delay = 1;
        connection(null);
        if (reply.data.revision !== S.revision) {
          render(reply.data);
        } else if (Date.now() - started < 1000) {
          await sleep(2000);  // the server did not hold the poll (it is busy): do not ask again at once
        }
      } else if (reply.status === 404) {
        showJoinForm(errorText(reply));
        return;
      } else {
        connection(errorText(reply) + ' Retrying…');
        await sleep(delay * 1000);
        delay = Math.min(delay * 2, 10);
      }
    }
  }

  // -- rendering the current question -----------------------------------------------------------------------------
  function render(session) {
    S.revision = session.revision;
    const title = String(session.title || 'Live session');
    $('title').textContent = title;
    document.title = title + ' – join';
    const q = session.current;
    const section = $('question');
    section.hidden = false;
    const key = q ? JSON.stringify([q.question, q.kind, q.options]) : null;
    if (key !== S.key) {
      const hadFocus = section.contains(document.activeElement);
      const first = S.key === undefined;
      S.key = key;
      S.question = q;
      S.locallyClosed = false;
      stopTicker();
      $('main').append($('status'));
      section.replaceChildren();
      if (!q) {
        S.fieldset = null;
        section.append(h('p', { className: 'waiting' }, 'Waiting for the lead to show a question…'));
      } else {
        build(section, q);
        say('');
        if (!first) announce('New question: ' + (q.kind === 'queue' ? 'questions for the lead' : q.question));
        if (hadFocus) $('q-title').focus();  // what had focus is gone: keep the reader's place at the new question
      }
    } else {
      S.question = q;
      S.locallyClosed = false;  // the server's word is fresher than the page's own countdown
    }
    if (q) {
      updateState(q);
      if (q.kind === 'queue') refreshAsks();
    }
  }

  function build(section, q) {
    const form = h('form', { className: 'answer', noValidate: true });
    const fieldset = h('fieldset', {});
    const legend = h('legend', {}, h('h2', { id: 'q-title', tabIndex: -1 },
      q.kind === 'queue' ? 'Questions for the lead' : q.question));
    fieldset.append(legend);
    form.append(fieldset);
    S.fieldset = fieldset;
    const builders = { poll: buildChoices, multi: buildChoices, scale: buildScale, words: buildWords,
      status: buildStatus, exit: buildExit, queue: buildQueue };
    const builder = builders[q.kind];
    let after = [];
    if (!builder) {
      fieldset.append(h('p', {}, 'This kind of question cannot be answered on a phone.'));
    } else {
      after = builder(fieldset, form, q) || [];
    }
    section.append(
      h('p', { id: 'closed-note', className: 'closed', hidden: true }, 'The lead has closed this question'),
      h('p', { id: 'countdown', className: 'countdown', hidden: true }),
      form,
      $('status'),  // the confirmation shows right under the button that was pressed
      h('p', { id: 'mine', className: 'mine', hidden: true }),
      ...after,
      h('div', { id: 'results', className: 'results' }),
    );
    showMine(q);
  }

  function updateState(q) {
    const closed = Boolean(q.closed) || S.locallyClosed;
    if (S.fieldset) S.fieldset.disabled = closed;
    $('closed-note').hidden = !closed;
    if (closed) {
      stopTicker();
      $('countdown').hidden = true;
    } else if (typeof q.closes_in === 'number') {
      S.closesAt = Date.now() + q.closes_in * 1000;
      startTicker();
    } else {
      stopTicker();
      $('countdown').hidden = true;
    }
    renderResults(q);
  }

  function startTicker() {
    stopTicker();
    const tick = () => {
      const left = Math.max(0, Math.ceil((S.closesAt - Date.now()) / 1000));
      const countdown = $('countdown');
      if (!countdown) return stopTicker();
      countdown.hidden = false;
      countdown.textContent = 'Closes in ' + left + ' s';
      if (left <= 0) {
        stopTicker();
        S.locallyClosed = true;
        countdown.hidden = true;
        if (S.fieldset) S.fieldset.disabled = true;
        $('closed-note').hidden = false;
        say('Time is up: answers are closed.');
      }
    };
    tick();
    S.ticker = setInterval(tick, 250);
  }

  function stopTicker() {
    if (S.ticker !== null) clearInterval(S.ticker);
    S.ticker = null;
  }

  function renderResults(q) {
    const box = $('results');
    if (!box) return;
    box.replaceChildren();
    if (!WITH_RESULTS.includes(q.kind)) return;
    const results = q.results;
    if (!results) {
      if (q.answer_first && !q.revealed) {
        box.append(h('p', { className: 'hint' }, 'Results appear when the lead reveals them'));
      }
      return;
    }
    if (q.kind === 'words') {
      const words = Array.isArray(results.words) ? results.words : [];
      box.append(h('h3', {}, 'The room’s words'));
      if (!words.length) { box.append(h('p', { className: 'hint' }, 'No words yet.')); return; }
      const top = Math.max(...words.map((w) => w.count), 1);
      const list = h('ul', { className: 'cloud' });
      for (const w of words) {
        const item = h('li', {}, h('span', { className: 'word' }, String(w.word)),
          h('span', { className: 'count' }, ' ×' + w.count));
        item.style.fontSize = (16 + Math.round(16 * (top > 1 ? (w.count - 1) / (top - 1) : 0))) + 'px';
        list.append(item);
      }
      box.append(list);
      return;
    }
    const counts = results.counts || {};
    const n = typeof results.n === 'number' ? results.n : 0;
    box.append(h('h3', {}, 'The room so far (' + n + (n === 1 ? ' answer)' : ' answers)')));
    const keys = q.kind === 'scale' ? q.options.map((_, i) => String(i + 1)) : (q.options || []);
    const top = Math.max(1, ...keys.map((k) => counts[k] || 0));
    const list = h('ul', { className: 'bars' });
    keys.forEach((k, i) => {
      const count = counts[k] || 0;
      const label = q.kind === 'scale' ? scaleName(q, i) : String(k);
      const bar = h('span', { className: 'bar' });
      bar.style.width = Math.round(100 * count / top) + '%';
      list.append(h('li', {},
        h('span', { className: 'bar-label' }, h('span', {}, label), h('span', { className: 'bar-count' }, String(count))),
        h('span', { className: 'bar-track', 'aria-hidden': 'true' }, bar)));
    });
    box.append(list);
  }

  function showMine(q) {
    const mine = $('mine');
    if (!mine) return;
    const value = S.sent[q.question];
    if (value === undefined || q.kind === 'queue') { mine.hidden = true; return; }
    mine.hidden = false;
    mine.textContent = q.kind === 'exit' ? 'Your exit ticket was sent. Thank you! (Sending again replaces it.)'
      : (q.kind === 'words' ? 'You sent: ' : 'Your answer: ') + value;
  }

  function remember(q, display) {
    S.sent[q.question] = display;
    save();
    showMine(q);
  }

  function isNumbered(options) {
    return options.every((o, i) => String(o) === String(i + 1));
  }

  function scaleName(q, i) {
    const options = q.options || [];
    return isNumbered(options) ? String(i + 1) : (i + 1) + ' – ' + options[i];
  }

  /** Send an answer to the current question; says "Sent" only once the server has confirmed it. */
  async function answer(q, value, display, button) {
    const body = { question: q.question, value, id: newId() };
    if (button) button.disabled = true;
    say('Sending…');
    try {
      const reply = await send('/answers', body);
      if (S.question !== q && (!S.question || S.question.question !== q.question)) return false;
      if (reply.status === 200 || reply.status === 201) {
        say('Sent', 'ok');
        remember(q, display);
        return true;
      }
      if (reply.status === 409) {
        S.locallyClosed = true;
        updateState(S.question || q);
      }
      say(errorText(reply), 'error');
      return false;
    } finally {
      if (button) button.disabled = false;
    }
  }

  function sendButton(text) {
    return h('button', { type: 'submit', className: 'primary' }, text || 'Send');
  }

  function buildChoices(fieldset, form, q) {
    const multi = q.kind === 'multi';
    fieldset.append(h('p', { className: 'hint', id: 'choice-hint' }, multi ? 'Choose all that apply.' : 'Choose one.'));
    fieldset.setAttribute('aria-describedby', 'choice-hint');
    const options = q.options || [];
    options.forEach((option, i) => {
      const id = 'choice-' + i;
      fieldset.append(h('label', { className: 'choice', for: id },
        h('input', { type: multi ? 'checkbox' : 'radio', name: 'choice', id, value: String(i) }),
        h('span', {}, String(option))));
    });
    const button = sendButton();
    fieldset.append(button);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const picked = Array.from(form.querySelectorAll('input[name=choice]:checked'), (el) => options[Number(el.value)]);
      if (!picked.length) { say(multi ? 'Choose at least one answer first.' : 'Choose an answer first.', 'error'); return; }
      answer(q, multi ? picked : picked[0], picked.join(', '), button);
    });
  }

  function buildScale(fieldset, form, q) {
    const options = q.options || ['1', '2', '3', '4', '5'];
    const numbered = isNumbered(options);
    const row = h('div', { className: 'scale' });
    const buttons = options.map((option, i) => {
      const button = h('button', { type: 'button', className: 'scale-point', 'aria-pressed': 'false',
        'aria-label': numbered ? null : (i + 1) + ': ' + option }, String(i + 1));
      button.addEventListener('click', async () => {
        if (await answer(q, i + 1, scaleName(q, i), null)) {
          buttons.forEach((b) => b.setAttribute('aria-pressed', b === button ? 'true' : 'false'));
        }
      });
      row.append(button);
      return button;
    });
    fieldset.append(row);
    if (!numbered) {
      fieldset.append(h('p', { className: 'ends', 'aria-hidden': 'true' },
        h('span', {}, '1 = ' + options[0]), h('span', {}, options.length + ' = ' + options[options.length - 1])));
    }
    form.addEventListener('submit', (event) => event.preventDefault());
  }

  function buildWords(fieldset, form, q) {
    const input = h('input', { type: 'text', id: 'word', name: 'word', maxLength: 500, autocomplete: 'off',
      enterKeyHint: 'send', 'aria-describedby': 'word-hint' });
    fieldset.append(
      h('label', { for: 'word' }, 'Your word or short phrase'),
      h('p', { className: 'hint', id: 'word-hint' },
        'You may send several words, one at a time: each one counts (up to ' + MAX_WORDS +
        '; the same word twice counts once).'),
      input);
    const button = sendButton();
    fieldset.append(button);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) { say('Write a word first.', 'error'); input.focus(); return; }
      const before = S.sent[q.question];
      let words = typeof before === 'string' && before ? before.split(' · ') : [];
      words = words.filter((w) => w.toLowerCase() !== text.toLowerCase()).concat([text]).slice(-MAX_WORDS);
      if (await answer(q, text, words.join(' · '), button)) {
        input.value = '';
        input.focus();
      }
    });
  }

  function buildStatus(fieldset, form, q) {
    fieldset.append(h('p', { className: 'hint' }, 'Tap one: the lead sees it at once.'));
    const row = h('div', { className: 'status-buttons' });
    const buttons = Object.keys(STATUS_LABELS).map((value) => {
      const button = h('button', { type: 'button', className: 'status-' + value, 'aria-pressed': 'false' },
        STATUS_LABELS[value]);
      button.addEventListener('click', async () => {
        if (await answer(q, value, STATUS_LABELS[value], null)) {
          buttons.forEach((b) => b.setAttribute('aria-pressed', b === button ? 'true' : 'false'));
        }
      });
      row.append(button);
      return button;
    });
    const current = S.sent[q.question];
    buttons.forEach((b) => { if (b.textContent === current) b.setAttribute('aria-pressed', 'true'); });
    fieldset.append(row);
    form.addEventListener('submit', (event) => event.preventDefault());
  }

  function buildExit(fieldset, form, q) {
    const worked = h('textarea', { id: 'worked', name: 'worked', rows: 3, maxLength: 500 });
    const change = h('textarea', { id: 'change', name: 'change', rows: 3, maxLength: 500 });
    fieldset.append(h('label', { for: 'worked' }, 'What worked for you?'), worked,
      h('label', { for: 'change' }, 'What would you change?'), change);
    const button = sendButton();
    fieldset.append(button);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      answer(q, { worked: worked.value, change: change.value }, 'sent', button);
    });
  }

  // -- the question queue -------------------------------------------------------------------------------------
  function buildQueue(fieldset, form) {
    const text = h('textarea', { id: 'ask', name: 'ask', rows: 3, maxLength: 500, 'aria-describedby': 'ask-hint' });
    const button = sendButton('Send question');
    fieldset.append(
      h('label', { for: 'ask' }, 'Your question'),
      h('p', { className: 'hint', id: 'ask-hint' }, 'Anonymous: the lead and the room see the question, not who asked.'),
      text, button);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = { text: text.value, id: newId() };
      button.disabled = true;
      say('Sending…');
      try {
        const reply = await send('/asks', body);
        if (reply.status === 200 || reply.status === 201) {
          text.value = '';
          if (reply.data && reply.data.pending) {
            S.pendingAsks.push({ id: reply.data.id, text: body.text.trim() });
            save();
            say('Sent: it shows once the lead approves it', 'ok');
          } else {
            say('Sent', 'ok');
          }
          refreshAsks();
        } else {
          say(errorText(reply), 'error');
        }
      } finally {
        button.disabled = false;
      }
    });
    return [h('h3', { id: 'asks-title' }, 'Questions so far'),
      h('ul', { id: 'asks', className: 'asks', 'aria-labelledby': 'asks-title' })];
  }

  let asksSerial = 0;

  async function refreshAsks(again) {
    const serial = ++asksSerial;
    let reply;
    try {
      await ensureToken();
      reply = await api('GET', '/asks', undefined, { auth: true });
    } catch (e) {
      return;  // the poll loop says when the connection is lost and refreshes again after
    }
    if (reply.status === 401 && !again) {  // the stored token is not valid here: join again, once
      S.token = null;
      S.participant = null;
      return refreshAsks(true);
    }
    if (serial !== asksSerial || reply.status !== 200 || !Array.isArray(reply.data)) return;
    const list = $('asks');
    if (!list) return;
    const shown = new Set(reply.data.map((a) => a.id));
    const before = S.pendingAsks.length;
    S.pendingAsks = S.pendingAsks.filter((a) => !shown.has(a.id));
    if (S.pendingAsks.length !== before) save();
    const hadFocus = list.contains(document.activeElement) ? document.activeElement.dataset.ask : null;
    list.replaceChildren();
    for (const a of S.pendingAsks) {
      list.append(h('li', { className: 'ask pending' }, h('p', { className: 'ask-text' }, String(a.text)),
        h('p', { className: 'hint' }, '(waiting for the lead’s approval)')));
    }
    if (!reply.data.length && !S.pendingAsks.length) {
      list.append(h('li', { className: 'hint' }, 'No questions yet: be the first.'));
    }
    for (const a of reply.data) {
      const textId = 'ask-text-' + a.id;
      const votes = a.votes + (a.votes === 1 ? ' vote' : ' votes');
      const item = h('li', { className: 'ask' + (a.answered ? ' answered' : '') },
        h('p', { className: 'ask-text', id: textId }, String(a.text)));
      const meta = h('div', { className: 'ask-meta' }, h('span', {}, votes + (a.answered ? ' · answered' : '')));
      if (a.mine) {
        meta.append(h('span', { className: 'hint' }, '(your question)'));
      } else {
        const vote = h('button', { type: 'button', className: 'vote', 'aria-pressed': a.voted ? 'true' : 'false',
          'aria-describedby': textId, disabled: Boolean(a.voted) || S.fieldset.disabled }, a.voted ? 'Voted' : '+1');
        vote.dataset.ask = String(a.id);
        vote.addEventListener('click', () => upvote(a.id, vote));
        meta.append(vote);
      }
      item.append(meta);
      list.append(item);
    }
    if (hadFocus) {
      const again = list.querySelector('button[data-ask="' + hadFocus + '"]');
      if (again) again.focus();
    }
  }

  async function upvote(id, button) {
    button.disabled = true;
    const reply = await send('/asks/' + encodeURIComponent(id) + '/vote', {});
    if (reply.status === 200) {
      say(reply.data && reply.data.added ? 'Vote counted' : 'You had voted for it already', 'ok');
      button.textContent = 'Voted';
      button.setAttribute('aria-pressed', 'true');
      refreshAsks();
    } else {
      button.disabled = false;
      say(errorText(reply), 'error');
    }
  }

  // -- start ----------------------------------------------------------------------------------------------------
  function codeFromPath() {
    const rest = PATH.slice(AT + '/join'.length).replace(/^\/+|\/+$/g, '');
    return rest ? normaliseCode(decodeURIComponent(rest)) : null;
  }

  function start() {
    const code = codeFromPath();
    if (code && validCode(code)) {
      join(code, false);
    } else {
      showJoinForm(null);
      $('code').focus();
    }
  }

  $('join-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const code = normaliseCode($('code').value);
    if (!validCode(code)) {
      showJoinForm('A join code has 6 letters and digits (never 0, O, 1, I or L): check the lead’s screen.');
      return;
    }
    $('code-error').hidden = true;
    $('code').setAttribute('aria-invalid', 'false');
    join(code, true);
  });

  $('change-code').addEventListener('click', () => {
    window.history.pushState({}, '', BASE + '/join');
    showJoinForm(null);
    $('code').value = '';
    $('code').focus();
  });

  window.addEventListener('popstate', start);
  start();
}());
