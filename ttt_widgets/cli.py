"""The ``ttt`` command: thin, delegates to the modules that do the work.

    ttt workshop   JupyterLab for trainees and Voila for leads, together
    ttt present    the workshop leads' dashboards alone, preheated, in Voila
    ttt grade      autograde a cohort's submissions in parallel with nbgrader (same gradebook results),
                   on local workers or a Dask cluster
    ttt report     a cohort report of one assignment from the gradebook: CSV and figures
    ttt export     an assignment's grades for Canvas, Moodle or a spreadsheet
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
    lead_token = None if serve.is_loopback(args.ip) else token  # the dashboards share the lab's token off this machine
    servers = [
        serve.Server("Trainees (JupyterLab):", serve.lab_command(notebooks, args.lab_port, args.ip, token), lab_url),
        serve.Server("Workshop lead (Voila):", serve.voila_command(dashboards, args.voila_port, args.ip),
                     serve.present_url(args.ip, args.voila_port, lead_token), env=serve.token_env(lead_token)),
    ]
    advice = serve.exposure_advice(args.ip, lead_token)
    return serve.run_servers(servers, notes=[advice] if advice else None)


def _cmd_present(args: argparse.Namespace) -> int:
    from pathlib import Path

    from . import serve
    from .live import hub

    try:
        dashboards = Path(args.dashboards).expanduser() if args.dashboards else serve.find_notebooks_dir() / "dashboards"
        if not dashboards.is_dir():
            raise FileNotFoundError(f"no dashboards folder at {dashboards}")
    except FileNotFoundError as exc:
        print(f"ttt present: {exc}", file=sys.stderr)
        return 2
    if args.hub or hub.started_by_hub():
        return _present_on_hub(args, dashboards)
    token = serve.present_token(args.ip, args.token)
    cmd = serve.voila_command(dashboards.resolve(), args.port, args.ip, preheat=not args.no_preheat,
                              pool_size=args.pool_size, large_type=args.large_type, max_pages=args.max_pages,
                              orphan_timeout=args.orphan_timeout)
    advice = serve.exposure_advice(args.ip, token)
    server = serve.Server("Dashboards (Voila):", cmd, serve.present_url(args.ip, args.port, token),
                          env=serve.token_env(token))
    return serve.run_servers([server], notes=[advice] if advice else None)


def _present_on_hub(args: argparse.Namespace, dashboards) -> int:
    """``ttt present`` as a JupyterHub service: where the Hub says, behind its login (ttt_widgets.live.hub)."""
    import os

    from . import serve
    from .live import hub

    try:
        settings = hub.HubSettings.from_env(ip=args.ip, port=args.port, lead_users=hub.lead_users_from(args.lead_users))
    except hub.HubConfigError as exc:
        print(f"ttt present --hub: {exc}", file=sys.stderr)
        return 2
    os.environ[hub.LEAD_USERS_VAR] = ",".join(sorted(settings.lead_users))  # read by the server process
    token = args.token or serve.new_token()  # for the dashboards' kernels (and scripts): people log in via the Hub
    cmd = serve.voila_command(dashboards.resolve(), settings.port, settings.ip, settings.voila_args(),
                              preheat=not args.no_preheat, pool_size=args.pool_size, large_type=args.large_type,
                              max_pages=args.max_pages, orphan_timeout=args.orphan_timeout)
    server = serve.Server("Dashboards (Voila, JupyterHub service):", cmd,
                          f"http://{settings.ip}:{settings.port}{settings.prefix} (the Hub routes to it)",
                          env=serve.token_env(token))
    return serve.run_servers([server], notes=[settings.banner()])


def _cmd_doctor(args: argparse.Namespace) -> int:
    from .doctor import run_checks

    return run_checks()


def _course_root(args: argparse.Namespace):
    import os
    from pathlib import Path

    return Path(args.course or os.environ.get("TTT_COURSE") or ".")


def _cmd_grade(args: argparse.Namespace) -> int:
    from .grading.autograde import GradingError, ProgressBar, format_table, grade_assignments

    if args.no_sandbox:
        print("ttt grade: WARNING: --no-sandbox runs every submission's code with your permissions, on your files "
              "and network; the guard alone is not a sandbox. Use it only for submissions you trust.",
              file=sys.stderr)
    import os

    scheduler = args.scheduler or os.environ.get("TTT_DASK_SCHEDULER") or None
    if args.shared_course and not scheduler:
        print("ttt grade: --shared-course needs --scheduler (or TTT_DASK_SCHEDULER)", file=sys.stderr)
        return 2
    try:
        runs = grade_assignments(_course_root(args), args.assignment, jobs=args.jobs, students=args.student,
                                 force=not args.no_force, guard=not args.no_guard,
                                 on_result=ProgressBar(assignments=len(set(args.assignment)) > 1),
                                 sandbox=not args.no_sandbox, resume=not args.restart, scheduler=scheduler,
                                 shared_course=args.shared_course)
    except GradingError as exc:
        print(f"ttt grade: {exc}", file=sys.stderr)
        return 2
    status = 0
    integrity_shown = False
    for assignment, results in runs.items():
        which = f" of {assignment}" if len(runs) > 1 else ""
        if which:
            print(f"\n{assignment}")
        if not results:
            print(f"ttt grade: no submissions of {assignment!r} to grade", file=sys.stderr)
            continue
        if results.resumed:
            print(f"ttt grade: resumed an interrupted run{which}: {len(results.resumed)} submission(s) it had "
                  "graded were kept (--restart grades everything again)", file=sys.stderr)
        for note in results.cluster_notes:
            print(f"ttt grade: {note}", file=sys.stderr)
        print(format_table(results))
        failed = [r.student for r in results if r.status == "failed"]
        if failed:
            print(f"\n{len(failed)} submission(s){which} could not be graded: {', '.join(failed)}", file=sys.stderr)
            status = 1
        if results.integrity and not integrity_shown:  # one check of the whole gradebook, shown once
            integrity_shown = True
            print(f"\nGRADEBOOK INTEGRITY: {len(results.integrity)} change(s) this run did not make:", file=sys.stderr)
            for line in results.integrity:
                print(f"  {line}", file=sys.stderr)
            status = 1
    return status


def _cmd_report(args: argparse.Namespace) -> int:
    from .grading.autograde import GradingError
    from .grading.report import write_report

    try:
        written = write_report(_course_root(args), args.assignment, args.output)
    except GradingError as exc:
        print(f"ttt report: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from .grading.autograde import GradingError
    from .grading.export import export_grades

    try:
        done = export_grades(_course_root(args), args.assignment, args.format, args.output, partial=args.partial)
    except GradingError as exc:
        print(f"ttt export: {exc}", file=sys.stderr)
        return 2
    print(done.path)
    if done.left_empty and args.format != "csv":
        waiting = sorted(s for s, why in done.left_empty.items() if why != "not submitted")
        missing = sorted(s for s, why in done.left_empty.items() if why == "not submitted")
        if waiting:
            print(f"ttt export: {len(waiting)} submission(s) still need manual grading, their cells are empty "
                  f"(--partial exports the score so far): {', '.join(waiting)}", file=sys.stderr)
        if missing:
            print(f"ttt export: {len(missing)} student(s) did not submit, their cells are empty: "
                  f"{', '.join(missing)}", file=sys.stderr)
    return 0


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

    p = sub.add_parser("present", help="serve the workshop leads' dashboards (only that folder), preheated")
    p.add_argument("--port", type=int, default=8866, help="port (default: 8866)")
    p.add_argument("--dashboards", default=None, help="dashboards folder (default: notebooks/dashboards)")
    p.add_argument("--ip", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    p.add_argument("--token", default=None,
                   help="require this token in the URL (default: none on 127.0.0.1, a new random one elsewhere)")
    p.add_argument("--large-type", action="store_true", help="larger type for projectors (or add ?large to a URL)")
    p.add_argument("--pool-size", type=int, default=1, help="preheated kernels kept ready per dashboard (default: 1)")
    p.add_argument("--no-preheat", action="store_true", help="start each kernel on request (slower pages, less memory)")
    p.add_argument("--max-pages", type=int, default=6, metavar="N",
                   help="open pages (kernels, about 80 MB each) per dashboard at most; 0: no limit (default: 6)")
    p.add_argument("--orphan-timeout", type=int, default=120, metavar="SECONDS",
                   help="shut down a page's kernel after this long with no page connected (default: 120)")
    p.add_argument("--hub", action="store_true",
                   help="run as a JupyterHub service: trainees and leads log in through the Hub (the default when "
                        "the Hub starts this command as a service)")
    p.add_argument("--lead-users", default=None, metavar="NAMES",
                   help="with --hub: Hub users who may open the dashboards, besides the Hub's admins "
                        "(comma-separated; also $TTT_LEAD_USERS)")
    p.set_defaults(func=_cmd_present)

    p = sub.add_parser("grade", help="autograde every submission of an assignment in parallel with nbgrader")
    p.add_argument("assignment", nargs="+",
                   help="assignment id (a folder of source/ in the course root); several are graded by one set of "
                        "workers, one table each")
    p.add_argument("--jobs", "-j", type=int, default=None,
                   help="worker processes (default: twice the number of CPUs, since each worker waits about half "
                        "the time for kernels to start and stop)")
    p.add_argument("--student", nargs="+", action="extend", default=None, metavar="ID", help="grade only these students")
    p.add_argument("--course", default=None, help="nbgrader course root (default: $TTT_COURSE or this folder)")
    p.add_argument("--no-force", action="store_true", help="skip submissions already autograded (like nbgrader)")
    p.add_argument("--no-guard", action="store_true", help="do not install the file guard in grading kernels")
    p.add_argument("--no-sandbox", action="store_true",
                   help="run kernels outside the bubblewrap sandbox (prints a warning; trusted submissions only)")
    p.add_argument("--restart", action="store_true",
                   help="grade everything again instead of resuming an interrupted run")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="grade on a dask.distributed cluster (tcp://HOST:8786; also $TTT_DASK_SCHEDULER): one task "
                        "per submission, the gradebook written only by this command (needs the 'dask' extra)")
    p.add_argument("--shared-course", action="store_true",
                   help="with --scheduler: every worker sees this course folder at the same path, so tasks carry "
                        "paths instead of the submissions' files")
    p.set_defaults(func=_cmd_grade)

    p = sub.add_parser("report", help="cohort report of an assignment from the gradebook: CSV and figures")
    p.add_argument("assignment", help="assignment id")
    p.add_argument("--course", default=None, help="nbgrader course root (default: $TTT_COURSE or this folder)")
    p.add_argument("--output", "-o", default=None, help="output folder (default: reports/<assignment> in the course)")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("export", help="an assignment's grades as a CSV file that Canvas or Moodle imports")
    p.add_argument("assignment", help="assignment id")
    p.add_argument("--format", "-f", choices=["csv", "canvas", "moodle"], default="csv",
                   help="csv (every column), canvas (Canvas's Gradebook import) or moodle (Moodle's CSV grade import)")
    p.add_argument("--course", default=None, help="nbgrader course root (default: $TTT_COURSE or this folder)")
    p.add_argument("--output", "-o", default=None, help="file to write (default: exports/<assignment>-<format>.csv)")
    p.add_argument("--partial", action="store_true",
                   help="export the score so far of submissions still waiting for a manual grade (default: empty)")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("doctor", help="check the installation and print a fix for each problem")
    p.set_defaults(func=_cmd_doctor)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
