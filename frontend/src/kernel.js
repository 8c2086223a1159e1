// A connection to one Jupyter kernel over the server's websocket (the kernel "channels" endpoint), with the comms
// the widget manager needs, in the wire format of protocol.js. Only what a dashboard uses is here: comms,
// comm_info_request, and the routing of replies and status messages to the callbacks of the request they answer.

import { PROTOCOL_VERSION, decode, encode, openChannels, uuid } from './protocol';

class Comm {
  constructor(kernel, target, id) {
    this.kernel = kernel;
    this.target_name = target;
    this.comm_id = id;
    this._onMsg = null;
    this._onClose = null;
  }

  open(data, callbacks, metadata, buffers) {
    return this.kernel.send('comm_open', { comm_id: this.comm_id, target_name: this.target_name, data },
      callbacks, metadata, buffers);
  }

  close(data, callbacks, metadata, buffers) {
    this.kernel.comms.delete(this.comm_id);
    return this.kernel.send('comm_close', { comm_id: this.comm_id, data: data || {} }, callbacks, metadata, buffers);
  }

  on_msg(callback) {
    this._onMsg = callback;
    (this._backlog || []).splice(0).forEach((msg) => callback(msg));
  }

  on_close(callback) {
    this._onClose = callback;
    if (this._closedBy) {
      callback(this._closedBy); // closed before anyone listened (the kernel refused the comm)
    }
  }

  send(data, callbacks, metadata, buffers) {
    if (this._requested && data && data.method === 'request_states') {
      this._requested = false; // asked for already, by the page's first script (early.js)
      return '';
    }
    return this.kernel.send('comm_msg', { comm_id: this.comm_id, data }, callbacks, metadata, buffers);
  }

  _message(msg) {
    if (this._onMsg) {
      this._onMsg(msg);
    } else {
      (this._backlog = this._backlog || []).push(msg); // kept until someone listens
    }
  }

  _closed(msg) {
    this.kernel.comms.delete(this.comm_id);
    this._closedBy = msg;
    if (this._onClose) {
      this._onClose(msg);
    }
  }
}

export class KernelConnection {
  // cfg: the page's configuration (kernelId, baseUrl, token); onStatus(text): 'connected' | 'reconnecting'
  constructor(cfg, { onCommOpen, onStatus } = {}) {
    this.cfg = cfg;
    this.session = uuid();
    this.comms = new Map();
    this.pending = new Map(); // msg_id -> { callbacks, replied, idle }
    this.queue = [];
    this.onCommOpen = onCommOpen || (() => {});
    this.onStatus = onStatus || (() => {});
    this.socket = null;
    this.attempts = 0;
    this.leaving = false; // the page is going: no reconnecting
  }

  // the control comm the page's first script opened and asked for every widget's state (once; null after)
  takeEarlyControl() {
    const comm = this._earlyControl || null;
    this._earlyControl = null;
    return comm;
  }

  connect() {
    const early = window.tttEarly;
    window.tttEarly = undefined;
    if (early && early.kernelId === this.cfg.kernelId && !early.closed) {
      this.session = early.session;
      this._earlyControl = this.createComm('jupyter.widget.control', early.controlComm);
      this._earlyControl._requested = true;
      this._attach(early.socket, early);
    } else {
      this._attach(openChannels(this.cfg, this.session));
    }
  }

  _attach(socket, early) {
    const opened = () => {
      this.attempts = 0;
      this.queue.splice(0).forEach((frame) => socket.send(frame));
      this.onStatus('connected');
    };
    socket.onopen = early ? () => { early.request(); opened(); } : opened;
    socket.onmessage = (event) => this._receive(decode(event.data));
    // a dropped connection (a proxy's idle timeout, Wi-Fi that comes and goes) is opened again, with the same
    // session, so the server replays what the kernel said meanwhile; requests wait in the queue
    socket.onclose = () => {
      if (this.leaving || this.socket !== socket) {
        return;
      }
      this.onStatus('reconnecting');
      const delay = Math.min(10000, 250 * 2 ** this.attempts);
      this.attempts += 1;
      window.setTimeout(() => this._attach(openChannels(this.cfg, this.session)), delay);
    };
    this.socket = socket;
    if (early) {
      early.messages.splice(0).forEach((data) => this._receive(decode(data)));
      if (early.open) {
        opened();
      }
    }
  }

  createComm(target, id) {
    const comm = new Comm(this, target, id || uuid());
    this.comms.set(comm.comm_id, comm);
    return comm;
  }

  send(msgType, content, callbacks, metadata, buffers) {
    const msgId = uuid();
    const msg = {
      header: { msg_id: msgId, msg_type: msgType, session: this.session, username: '', date: new Date().toISOString(),
                version: PROTOCOL_VERSION },
      parent_header: {},
      metadata: metadata || {},
      content,
      channel: 'shell',
      buffers: buffers || [],
    };
    if (callbacks) {
      // the shell reply and the iopub idle status travel on different channels and come in either order: the
      // request is done when both have come (the reply only when a callback waits for it)
      const wantsReply = Boolean(callbacks.shell && callbacks.shell.reply);
      this.pending.set(msgId, { callbacks, replied: !wantsReply, idle: false });
    }
    const frame = encode(msg);
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(frame);
    } else {
      this.queue.push(frame);
    }
    return msgId;
  }

  // a shell request answered by its reply (comm_info_request and the like)
  request(msgType, content) {
    return new Promise((resolve) => {
      this.send(msgType, content, { shell: { reply: resolve } });
    });
  }

  _receive(msg) {
    const type = msg.header.msg_type;
    const parent = (msg.parent_header || {}).msg_id;
    const request = parent ? this.pending.get(parent) : undefined;
    const callbacks = request ? request.callbacks : undefined;
    if (msg.channel === 'iopub') {
      if (type === 'comm_open') {
        const comm = this.createComm(msg.content.target_name, msg.content.comm_id);
        this.onCommOpen(comm, msg);
      } else if (type === 'comm_msg') {
        const comm = this.comms.get(msg.content.comm_id);
        if (comm) {
          comm._message(msg);
        }
      } else if (type === 'comm_close') {
        const comm = this.comms.get(msg.content.comm_id);
        if (comm) {
          comm._closed(msg);
        }
      }
      if (callbacks && callbacks.iopub) {
        const handler = type === 'status' ? callbacks.iopub.status
          : (type === 'clear_output' ? callbacks.iopub.clear_output : callbacks.iopub.output);
        if (handler) {
          handler(msg);
        }
      }
      if (request && type === 'status' && msg.content.execution_state === 'idle') {
        request.idle = true;
        this._settle(parent, request);
      }
    } else if (msg.channel === 'shell' && request && !request.replied) {
      request.replied = true;
      callbacks.shell.reply(msg);
      this._settle(parent, request);
    }
  }

  _settle(msgId, request) {
    if (request.replied && request.idle) {
      this.pending.delete(msgId);
    }
  }
}
