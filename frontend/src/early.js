// Inlined at the end of the page, once every cell has run: opens the kernel connection and asks for the state of
// every widget while the front end's script is still on its way, so that the kernel's answer and the download
// overlap. (Not earlier: a kernel still running the notebook has no widget control comm yet.)
// What arrives is kept, unread, until the front end takes the connection over (window.tttEarly; see kernel.js).
import { PROTOCOL_VERSION, encode, openChannels, uuid as id } from './protocol';

(function () {
  var node = document.getElementById('jupyter-config-data');
  var cfg;
  try {
    cfg = JSON.parse(node.textContent);
  } catch (e) {
    return;
  }
  if (!cfg.kernelId || !window.WebSocket) {
    return;
  }
  var early = { kernelId: cfg.kernelId, session: id(), controlComm: id(), messages: [], open: false, closed: false };
  function message(type, content, metadata) {
    return encode({
      header: { msg_id: id(), msg_type: type, session: early.session, username: '', date: new Date().toISOString(),
                version: PROTOCOL_VERSION },
      parent_header: {}, metadata: metadata || {}, content: content, channel: 'shell', buffers: [],
    });
  }
  var socket = openChannels(cfg, early.session);
  socket.onmessage = function (event) { early.messages.push(event.data); };
  socket.onclose = function () { early.closed = true; };
  early.request = function () {
    early.open = true;
    socket.send(message('comm_open', { comm_id: early.controlComm, target_name: 'jupyter.widget.control', data: {} },
      { version: '1.0.0' }));
    socket.send(message('comm_msg', { comm_id: early.controlComm, data: { method: 'request_states' } }));
  };
  socket.onopen = early.request;
  early.socket = socket;
  window.tttEarly = early;
})();
