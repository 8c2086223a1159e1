"""The ``ttt`` command: thin, delegates to the modules that do the work.

    ttt workshop   JupyterLab for trainees and Voila for leads, together
    ttt doctor     check the installation
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["main", "build_parser"]


def _cmd_workshop(args: argparse.Namespace) -> int:
    from . import serve

    try:
        notebooks = serve.find_notebooks_dir()
    except FileNotFoundError as exc:
        print(f"ttt workshop: {exc}", file=sys.stderr)
        return 2
    dashboards = notebooks / "dashboards"
    token = args.token if args.token is not None else serve.new_token()
    lab_url = f"http://{args.ip}:{args.lab_port}/lab" + (f"?token={token}" if token else "")
    servers = [
        serve.Server("Trainees (JupyterLab):", serve.lab_command(notebooks, args.lab_port, args.ip, token), lab_url),
        serve.Server("Workshop lead (Voila):", serve.voila_command(dashboards, args.voila_port, args.ip),
                     f"http://{args.ip}:{args.voila_port}/"),
    ]
    return serve.run_servers(servers)


def _cmd_doctor(args: argparse.Namespace) -> int:
    from .doctor import run_checks

    return run_checks()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ttt", description="Train-the-Trainer Workshop Kit")
    from . import __version__

    parser.add_argument("--version", action="version", version=f"ttt-workshop-kit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("workshop", help="start JupyterLab (trainees) and Voila (workshop leads) together")
    p.add_argument("--ip", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    p.add_argument("--lab-port", type=int, default=8888, help="JupyterLab port (default: 8888)")
    p.add_argument("--voila-port", type=int, default=8866, help="Voila port (default: 8866)")
    p.add_argument("--token", default=None, help="JupyterLab token (default: a new random one, printed in the URL)")
    p.set_defaults(func=_cmd_workshop)

    p = sub.add_parser("doctor", help="check the installation and print a fix for each problem")
    p.set_defaults(func=_cmd_doctor)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
