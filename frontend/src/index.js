// The dashboards' front end: what a page of `ttt present` loads instead of Voila's whole JupyterLab front end.
//
// The page (the kit's Voila template) carries every cell's outputs as JSON in
// <script type="application/vnd.voila.cell-output+json"> tags and the kernel's id in #jupyter-config-data. This
// script connects to that kernel, asks it for the state of all its widgets in one message (the widgets' control
// comm), and puts a view of each displayed widget where its output was. Other outputs are shown as Voila shows them:
// HTML as given (the dashboards are the kit's own notebooks), images, and plain text as text.
//
// Only the widget libraries the kit uses are bundled (@jupyter-widgets/base and /controls); a widget of another
// library shows the widgets' own error box and a note in the browser console.

import '@jupyter-widgets/base/css/index.css';
import '@jupyter-widgets/controls/css/widgets-base.css';

import * as base from '@jupyter-widgets/base';
import * as controls from '@jupyter-widgets/controls';
import { ManagerBase } from '@jupyter-widgets/base-manager';
import { Widget } from '@lumino/widgets';

import { addIcons } from './icons';
import { KernelConnection } from './kernel';

const WIDGET_VIEW = 'application/vnd.jupyter.widget-view+json';
const OUTPUT_TYPE = 'application/vnd.voila.cell-output+json';
const MODULES = { '@jupyter-widgets/base': base, '@jupyter-widgets/controls': controls };

export class DashboardManager extends ManagerBase {
  constructor(kernel) {
    super();
    this.kernel = kernel;
  }

  async loadClass(className, moduleName, moduleVersion) {
    const module = MODULES[moduleName];
    if (!module || !module[className]) {
      throw new Error(`${moduleName} ${moduleVersion} has no ${className} in the dashboards' front end`);
    }
    return module[className];
  }

  async _create_comm(target, modelId, data, metadata, buffers) {
    const early = target === 'jupyter.widget.control' ? this.kernel.takeEarlyControl() : null;
    if (early) {
      return early;
    }
    const comm = this.kernel.createComm(target, modelId);
    if (data || metadata) {
      comm.open(data || {}, undefined, metadata, buffers);
    }
    return comm;
  }

  async _get_comm_info() {
    const reply = await this.kernel.request('comm_info_request', { target_name: this.comm_target_name });
    return reply.content.comms || {};
  }

  async display(modelId, host) {
    const model = await this.get_model(modelId);
    const view = await this.create_view(model);
    Widget.attach(view.luminoWidget, host);
    return view;
  }

  load() {
    return this._loadFromKernel();
  }
}

function config() {
  const node = document.getElementById('jupyter-config-data');
  return node ? JSON.parse(node.textContent) : {};
}

// a non-widget output, rendered as the lab template's outputs are
function renderPlain(output, host) {
  const data = output.data || {};
  if (output.output_type === 'stream') {
    const pre = document.createElement('pre');
    pre.textContent = Array.isArray(output.text) ? output.text.join('') : (output.text || '');
    host.appendChild(pre);
    return;
  }
  const text = (value) => (Array.isArray(value) ? value.join('') : value);
  if (data['text/html'] !== undefined) {
    const div = document.createElement('div');
    div.className = 'jp-RenderedHTMLCommon jp-RenderedHTML';
    div.innerHTML = text(data['text/html']);
    host.appendChild(div);
  } else if (data['image/svg+xml'] !== undefined) {
    const div = document.createElement('div');
    div.className = 'jp-RenderedSVG';
    const img = document.createElement('img');
    img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(text(data['image/svg+xml']));
    div.appendChild(img);
    host.appendChild(div);
  } else if (data['image/png'] !== undefined || data['image/jpeg'] !== undefined) {
    const type = data['image/png'] !== undefined ? 'image/png' : 'image/jpeg';
    const img = document.createElement('img');
    img.src = `data:${type};base64,${text(data[type]).replace(/\n/g, '')}`;
    host.appendChild(img);
  } else if (data['text/plain'] !== undefined) {
    const pre = document.createElement('pre');
    pre.textContent = text(data['text/plain']);
    host.appendChild(pre);
  }
}

export async function start() {
  const cfg = config();
  const outputs = [...document.querySelectorAll(`script[type="${OUTPUT_TYPE}"]`)].map((node) => {
    const host = document.createElement('div');
    host.className = 'jp-OutputArea-output';
    node.parentNode.insertBefore(host, node);
    return { output: JSON.parse(node.textContent), host };
  });
  const widgetOutputs = [];
  outputs.forEach(({ output, host }) => {
    const view = (output.data || {})[WIDGET_VIEW];
    if (view && view.model_id) {
      widgetOutputs.push({ id: view.model_id, host });
    } else {
      renderPlain(output, host);
    }
  });
  if (!widgetOutputs.length || !cfg.kernelId) {
    return null;
  }
  addIcons(cfg.baseUrl);
  // like Voila's own front end: a page that goes shuts its kernel down (the server reclaims the kernels of pages
  // that could not say so: dashboard_kernels.py)
  window.addEventListener('pagehide', () => {
    if (kernel) {
      kernel.leaving = true;
    }
    const form = new FormData();
    const xsrf = document.cookie.match('\\b_xsrf=([^;]*)\\b');
    form.append('_xsrf', xsrf ? xsrf[1] : '');
    navigator.sendBeacon(`${cfg.baseUrl || '/'}voila/api/shutdown/${encodeURIComponent(cfg.kernelId)}`, form);
  });
  let manager = null;
  const kernel = new KernelConnection(cfg, {
    onCommOpen: (comm, msg) => {
      if (manager && comm.target_name === manager.comm_target_name) {
        manager.handle_comm_open(comm, msg);
      }
    },
    onStatus: (status) => document.body.setAttribute('data-ttt-kernel', status),
  });
  manager = new DashboardManager(kernel);
  kernel.connect();
  await manager.load();
  await Promise.all(widgetOutputs.map(({ id, host }) => manager.display(id, host).catch((error) => {
    console.error(`widget ${id} could not be shown`, error);
  })));
  document.body.setAttribute('data-ttt-ready', 'true');
  window.tttDashboard = { manager, kernel };
  return manager;
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => { start(); });
} else {
  start();
}
