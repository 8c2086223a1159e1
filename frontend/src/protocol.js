// The kernel messages' wire format over jupyter_server's websocket: the "v1.kernel.websocket.jupyter.org"
// protocol, the one JupyterLab speaks. Every message is one binary frame: the number of offsets and the offsets
// (unsigned 64-bit, little-endian), then the channel's name, the header, parent header, metadata and content (JSON),
// then the binary buffers. (The older JSON-text protocol lost every message with buffers on the way to the page:
// an Image widget's state never arrived.)

export const SUBPROTOCOL = 'v1.kernel.websocket.jupyter.org';
// the version of the kernel messaging protocol the messages' headers name
export const PROTOCOL_VERSION = '5.3';

const text = new TextEncoder();
const utf8 = new TextDecoder();

function bytes(buffer) {
  if (buffer instanceof ArrayBuffer) {
    return new Uint8Array(buffer);
  }
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export function encode(msg) {
  const parts = [
    text.encode(msg.channel),
    text.encode(JSON.stringify(msg.header)),
    text.encode(JSON.stringify(msg.parent_header || {})),
    text.encode(JSON.stringify(msg.metadata || {})),
    text.encode(JSON.stringify(msg.content || {})),
    ...(msg.buffers || []).map(bytes),
  ];
  const count = parts.length + 1;
  const start = 8 * (count + 1);
  const out = new Uint8Array(start + parts.reduce((sum, part) => sum + part.byteLength, 0));
  const view = new DataView(out.buffer);
  view.setUint32(0, count, true);
  let offset = start;
  view.setUint32(8, offset, true);
  parts.forEach((part, i) => {
    out.set(part, offset);
    offset += part.byteLength;
    view.setUint32(8 * (i + 2), offset, true);
  });
  return out.buffer;
}

export function decode(data) {
  const view = new DataView(data);
  const count = view.getUint32(0, true);
  const offsets = [];
  for (let i = 0; i < count; i++) {
    offsets.push(view.getUint32(8 * (i + 1), true));
  }
  const part = (i) => new Uint8Array(data, offsets[i], offsets[i + 1] - offsets[i]);
  const json = (i) => JSON.parse(utf8.decode(part(i)));
  const msg = {
    channel: utf8.decode(part(0)),
    header: json(1),
    parent_header: json(2),
    metadata: json(3),
    content: json(4),
    buffers: [],
  };
  for (let i = 5; i < count - 1; i++) {
    msg.buffers.push(new DataView(data, offsets[i], offsets[i + 1] - offsets[i]));
  }
  return msg;
}

// the websocket address of a kernel's channels for one client session (the server keeps what the kernel says while
// that session is away, and replays it when the session reconnects)
export function channelsUrl(cfg, session) {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const params = new URLSearchParams({ session_id: session });
  if (cfg.token) {
    params.set('token', cfg.token);
  }
  return `${scheme}//${window.location.host}${cfg.baseUrl || '/'}api/kernels/${encodeURIComponent(cfg.kernelId)}` +
    `/channels?${params}`;
}

// a new websocket to a kernel's channels, speaking this protocol
export function openChannels(cfg, session) {
  const socket = new WebSocket(channelsUrl(cfg, session), SUBPROTOCOL);
  socket.binaryType = 'arraybuffer';
  return socket;
}

// a message or comm id: 32 hex digits
export function uuid() {
  if (window.crypto && window.crypto.randomUUID) {
    return window.crypto.randomUUID().replace(/-/g, '');
  }
  let out = '';
  for (let i = 0; i < 32; i++) {
    out += Math.floor(Math.random() * 16).toString(16);
  }
  return out;
}
